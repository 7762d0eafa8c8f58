/** Counts the event loop's turns (other work getting its chance) until stopped. */
export function countTurns(): { readonly turns: number; stop(): void } {
  let turns = 0;
  let counting = true;
  const spin = () => {
    if (!counting) return;
    turns++;
    setImmediate(spin);
  };
  setImmediate(spin);
  return { get turns() { return turns; }, stop: () => void (counting = false) };
}
