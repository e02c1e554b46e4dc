/**
 * ImageLocality (pkg/scheduler/framework/plugins/imagelocality): prefers nodes that already have
 * the pod's images (from `node.status.images`, which the kubelet reports). Each container image
 * present adds `size * nodesWithImage / totalNodes`; the sum is clamped to
 * [23 MiB, 1000 MiB × containers] and scaled to 0..100. A node that reports no images scores 0.
 */
import type { ScorePlugin } from '../framework-types.ts';
import { normalizedImageName } from '../helpers.ts';
import { MAX_NODE_SCORE } from '../types.ts';

export const IMAGE_LOCALITY = 'ImageLocality';
const PRE_SCORE_KEY = 'PreScoreImageLocality';

const MB = 1024 * 1024;
export const MIN_THRESHOLD = 23 * MB;
export const MAX_CONTAINER_THRESHOLD = 1000 * MB;

/** `calculatePriority`. */
export function calculatePriority(sumScores: number, numContainers: number): number {
  const maxThreshold = MAX_CONTAINER_THRESHOLD * numContainers;
  let s = sumScores;
  if (s < MIN_THRESHOLD) s = MIN_THRESHOLD;
  else if (s > maxThreshold) s = maxThreshold;
  return Math.trunc((MAX_NODE_SCORE * (s - MIN_THRESHOLD)) / (maxThreshold - MIN_THRESHOLD));
}

/** `scaledImageScore`: the image's size scaled by how widely it is spread. */
export function scaledImageScore(size: number, numNodes: number, totalNumNodes: number): number {
  const spread = numNodes / totalNumNodes;
  return Math.trunc(size * spread);
}

export function imageLocality(weight = 1): ScorePlugin {
  return {
    name: IMAGE_LOCALITY,
    weight,
    preScore(state) {
      const spec = state.pod.pod.spec ?? {};
      const images = [...(spec.initContainers ?? []), ...(spec.containers ?? [])].map((c) =>
        normalizedImageName(c.image ?? ''),
      );
      state.data.set(PRE_SCORE_KEY, images);
      return null;
    },
    score(state, node) {
      const images = (state.data.get(PRE_SCORE_KEY) as string[] | undefined) ?? [];
      const total = state.snapshot.nodes.length;
      let sum = 0;
      if (node.images.size > 0) {
        for (const image of images) {
          const size = node.images.get(image);
          if (size === undefined) continue;
          sum += scaledImageScore(size, state.snapshot.imageNumNodes(image), total);
        }
      }
      return calculatePriority(sum, images.length);
    },
  };
}
