/**
 * The split of the development sets used to train and to check the PHI labeller: even-numbered
 * posts and questions, and the PhysioNet notes of patients 1, 5, 9, … train it; the rest checks it.
 * PhysioNet ids are `deid-<patient>-<note>` with odd patient numbers, split by whole patient.
 */
export function isTrainingDocument(id: string): boolean {
  const note = /^deid-(\d+)-\d+$/.exec(id);
  if (note) return Number(note[1]) % 4 === 1;
  const n = /(\d+)$/.exec(id);
  return n ? Number(n[1]) % 2 === 0 : false;
}
