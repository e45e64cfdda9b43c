export function electronPackageDir(): string;
export function electronVersion(): string;
export function electronBinary(): string | null;
