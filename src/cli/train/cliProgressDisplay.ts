import cliProgress from 'cli-progress';
import type { ProgressDisplay, ProgressValues } from '../../hooks/ProgressDisplay.js';

function payload(values: ProgressValues): { loss: string; lr: string } {
  return {
    loss: values.loss === undefined ? '-' : values.loss.toFixed(4),
    lr: values.lr === undefined ? '-' : values.lr.toExponential(2),
  };
}

/**
 * A {@link ProgressDisplay} drawn with `cli-progress` on a terminal stream (stderr, so stdout
 * stays clean): `train |████░░| 120/500 | ETA 4s | loss 0.4312 | lr 5.00e-2`.
 *
 * @param stream where to draw; must be a TTY (the train command checks).
 */
export function cliProgressDisplay(stream: NodeJS.WriteStream): ProgressDisplay {
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: 'train |{bar}| {value}/{total} | ETA {eta_formatted} | loss {loss} | lr {lr}',
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  return {
    start: (total: number, value: number, values: ProgressValues): void => {
      bar.start(total, value, payload(values));
    },
    update: (value: number, values: ProgressValues): void => {
      bar.update(value, payload(values));
    },
    stop: (): void => {
      bar.stop();
    },
  };
}
