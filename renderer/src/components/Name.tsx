// A child's name as text. Names come from many systems and people; bdi keeps one
// written right to left (or carrying a direction override) from reordering what follows.

/** A name as inert text: bdi stops a right-to-left override flipping what follows. */
export function Name({ given, family }: { given: string; family: string }) {
  return <bdi>{`${given} ${family}`}</bdi>;
}
