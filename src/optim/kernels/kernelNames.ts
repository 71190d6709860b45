/**
 * Names of the fused kernels in tfjs's kernel registry. Prefixed so they cannot collide with
 * tfjs's own kernels or another library's.
 */
export const SGD_GROUP_KERNEL = 'TfjsSolverSgdGroup';
/** See {@link SGD_GROUP_KERNEL}. */
export const ADAM_GROUP_KERNEL = 'TfjsSolverAdamGroup';
/** See {@link SGD_GROUP_KERNEL}. */
export const GRAD_NORMS_KERNEL = 'TfjsSolverGradNorms';
