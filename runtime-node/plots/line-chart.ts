// Line charts as PNG: a Vega-Lite spec rendered to SVG by Vega (headless, no browser), then rasterised by
// resvg. Used for training loss curves and the evaluation report's figures.
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile } from 'vega-lite';

export interface LineSeries {
  readonly name: string;
  readonly points: readonly { readonly x: number; readonly y: number }[];
}

export interface LineChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly logY?: boolean;
  readonly width?: number;
  readonly height?: number;
}

export async function lineChartSvg(series: readonly LineSeries[], options: LineChartOptions): Promise<string> {
  const values = series.flatMap((s) => s.points.filter((p) => Number.isFinite(p.y) && (!options.logY || p.y > 0)).map((p) => ({ series: s.name, x: p.x, y: p.y })));
  const spec = compile({
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: options.title,
    width: options.width ?? 640,
    height: options.height ?? 320,
    background: 'white',
    data: { values },
    mark: { type: 'line', point: values.length < 200 },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: options.xLabel },
      y: { field: 'y', type: 'quantitative', title: options.yLabel, scale: options.logY ? { type: 'log' } : { zero: false } },
      color: { field: 'series', type: 'nominal', title: null, legend: { labelLimit: 400, orient: 'bottom' } },
    },
  }).spec;
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  return view.toSVG();
}

export async function lineChartPng(series: readonly LineSeries[], options: LineChartOptions): Promise<Uint8Array> {
  const svg = await lineChartSvg(series, options);
  return new Resvg(svg, { background: 'white', fitTo: { mode: 'zoom', value: 1.5 } }).render().asPng();
}
