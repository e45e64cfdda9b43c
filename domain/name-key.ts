// The search key of a name: what is left when spelling noise is taken away. Lower case,
// accents dropped, and only letters kept, so "O'Brien", "OBrien" and "o brien" agree and
// "Smith-Jones" is compared as one surname.
export function nameKey(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}
