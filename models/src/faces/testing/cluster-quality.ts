/**
 * Test support: pairwise precision and recall of a clustering against true labels. Faces left
 * unassigned count as singletons, so they cost recall, never precision.
 *
 *   const q = pairwiseQuality([{ label: 'amy', cluster: 'person-1' }, { label: 'amy', cluster: undefined }]);
 *   q.precision; q.recall;
 */
export type Labelled = { readonly label: string; readonly cluster: string | undefined };

export const pairwiseQuality = (faces: readonly Labelled[]): { precision: number; recall: number; truePairs: number; clusteredPairs: number } => {
  let together = 0;
  let correct = 0;
  let same = 0;
  for (let i = 0; i < faces.length; i++) {
    for (let j = i + 1; j < faces.length; j++) {
      const a = faces[i] as Labelled;
      const b = faces[j] as Labelled;
      const sameLabel = a.label === b.label;
      const sameCluster = a.cluster !== undefined && a.cluster === b.cluster;
      if (sameLabel) same++;
      if (sameCluster) together++;
      if (sameLabel && sameCluster) correct++;
    }
  }
  return { precision: together === 0 ? 0 : correct / together, recall: same === 0 ? 0 : correct / same, truePairs: same, clusteredPairs: together };
};
