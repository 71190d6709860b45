import { existsSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';

const DEJAVU_DIR = '/usr/share/fonts/truetype/dejavu';
const FONT_FILES: readonly string[] = ['DejaVuSans.ttf', 'DejaVuSans-Bold.ttf'].map((f: string) => `${DEJAVU_DIR}/${f}`);

/**
 * Renders a vega-lite spec headless: vega-lite → vega → SVG text.
 *
 * Why vega: it draws real axes, ticks and labels without a browser or a canvas.
 */
export async function renderSvg(spec: Record<string, unknown>): Promise<string> {
  const compiled = vegaLite.compile(spec as unknown as vegaLite.TopLevelSpec).spec;
  const view: vega.View = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Rasterises SVG text to PNG bytes with resvg at `scale`× (DejaVu Sans when installed, else the
 * system fonts).
 */
export function svgToPng(svg: string, scale = 2): Uint8Array {
  const fontFiles: string[] = FONT_FILES.filter((f: string) => existsSync(f));
  const resvg: Resvg = new Resvg(svg, {
    background: 'white',
    fitTo: { mode: 'zoom', value: scale },
    font: { fontFiles, loadSystemFonts: fontFiles.length === 0, defaultFontFamily: 'DejaVu Sans' },
  });
  return resvg.render().asPng();
}
