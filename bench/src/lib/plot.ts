/** A dependency-free SVG line chart (two panels side by side), for the scaling curve. */

export interface Series {
  name: string;
  color: string;
  points: Array<[number, number]>;
}

export interface Panel {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
}

const W = 480;
const H = 340;
const M = { left: 70, right: 20, top: 40, bottom: 50 };

function niceMax(value: number): number {
  if (!(value > 0)) return 1;
  const exp = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * exp >= value) return step * exp;
  return 10 * exp;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

function panel(p: Panel, offsetX: number): string {
  const xs = p.series.flatMap((s) => s.points.map(([x]) => x));
  const ys = p.series.flatMap((s) => s.points.map(([, y]) => y));
  const xMax = niceMax(Math.max(...xs, 1));
  const yMax = niceMax(Math.max(...ys, 1));
  const px = (x: number) => offsetX + M.left + (x / xMax) * (W - M.left - M.right);
  const py = (y: number) => M.top + (1 - y / yMax) * (H - M.top - M.bottom);
  const out: string[] = [];
  out.push(
    `<text x="${offsetX + W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${esc(p.title)}</text>`,
  );
  for (let i = 0; i <= 5; i++) {
    const y = (yMax * i) / 5;
    const x = (xMax * i) / 5;
    out.push(
      `<line x1="${px(0)}" x2="${px(xMax)}" y1="${py(y)}" y2="${py(y)}" stroke="#ddd"/>`,
      `<text x="${px(0) - 6}" y="${py(y) + 4}" text-anchor="end" font-size="11">${Number(y.toPrecision(3)).toLocaleString('en-US')}</text>`,
      `<text x="${px(x)}" y="${py(0) + 16}" text-anchor="middle" font-size="11">${Number(x.toPrecision(3)).toLocaleString('en-US')}</text>`,
    );
  }
  out.push(
    `<line x1="${px(0)}" x2="${px(xMax)}" y1="${py(0)}" y2="${py(0)}" stroke="#333"/>`,
    `<line x1="${px(0)}" x2="${px(0)}" y1="${py(0)}" y2="${py(yMax)}" stroke="#333"/>`,
    `<text x="${offsetX + (M.left + W - M.right) / 2}" y="${H - 12}" text-anchor="middle" font-size="12">${esc(p.xLabel)}</text>`,
    `<text transform="translate(${offsetX + 16} ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle" font-size="12">${esc(p.yLabel)}</text>`,
  );
  p.series.forEach((s, i) => {
    const path = s.points.map(([x, y]) => `${px(x)},${py(y)}`).join(' ');
    out.push(`<polyline points="${path}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    for (const [x, y] of s.points)
      out.push(`<circle cx="${px(x)}" cy="${py(y)}" r="3.5" fill="${s.color}"/>`);
    const ly = M.top + 8 + i * 16;
    out.push(
      `<rect x="${px(0) + 10}" y="${ly - 8}" width="12" height="4" fill="${s.color}"/>`,
      `<text x="${px(0) + 28}" y="${ly - 3}" font-size="11">${esc(s.name)}</text>`,
    );
  });
  return out.join('\n');
}

export function twoPanelSvg(left: Panel, right: Panel, footer: string): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${esc(`${left.title}; ${right.title}`)}" width="${W * 2}" height="${H + 20}" font-family="DejaVu Sans, Arial, sans-serif">`,
    `<title>${esc(`${left.title}; ${right.title}`)}</title>`,
    `<rect width="100%" height="100%" fill="white"/>`,
    panel(left, 0),
    panel(right, W),
    `<text x="${W}" y="${H + 12}" text-anchor="middle" font-size="10" fill="#555">${esc(footer)}</text>`,
    '</svg>',
  ].join('\n');
}
