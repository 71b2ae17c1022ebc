// Renders assets/icon.svg into the PNG sizes and the .ico that electron-builder needs.
// Run with `npm run icons`; the outputs are committed so a build needs no renderer.
import { Resvg } from '@resvg/resvg-js';
import pngToIco from 'png-to-ico';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';

const out = process.argv[2] ?? 'assets'; // another folder lets the tests check the committed icons
const svg = readFileSync('assets/icon.svg');
const SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
mkdirSync(`${out}/icons`, { recursive: true });

const pngs = new Map();
for (const size of SIZES) {
  const png = new Resvg(svg, { fitTo: { mode: 'width', value: size } }).render().asPng();
  pngs.set(size, png);
  // electron-builder's Linux icon set: a folder of NxN.png files.
  writeFileSync(`${out}/icons/${size}x${size}.png`, png);
}
writeFileSync(`${out}/icon.png`, pngs.get(1024));
writeFileSync(
  `${out}/icon.ico`,
  await pngToIco([16, 24, 32, 48, 64, 128, 256].map((s) => pngs.get(s))),
);
console.log(`wrote ${out}/icon.png, ${out}/icon.ico and ${SIZES.length} sizes in ${out}/icons/`);
