// Public API of src/optim/kernels: fused optimizer kernels for the cpu and wasm backends.
// (src/optim/index.ts decides what of this the package exports.)
export { registerFusedKernels, FUSED_KERNEL_BACKENDS } from './registerFusedKernels.js';
export { fusedSgdGroupUpdate } from './fusedSgdGroupUpdate.js';
export { fusedAdamGroupUpdate } from './fusedAdamGroupUpdate.js';
export { fusedGradNorms } from './fusedGradNorms.js';
export { fusedGradientClipper } from './fusedGradientClipper.js';
export { SGD_GROUP_KERNEL, ADAM_GROUP_KERNEL, GRAD_NORMS_KERNEL } from './kernelNames.js';
