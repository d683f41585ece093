// Copies the front-end libraries the web app serves (from node_modules, after `npm ci`)
// into src/conflictlens/web/static/vendor/, which is git-ignored and shipped in the package.
import { cpSync, mkdirSync, rmSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, "node_modules");
const vendor = join(here, "..", "src", "conflictlens", "web", "static", "vendor");

// [package file, destination under vendor/]
const files = [
  ["leaflet/dist/leaflet.js", "leaflet/leaflet.js"],
  ["leaflet/dist/leaflet.css", "leaflet/leaflet.css"],
  ["leaflet/dist/images", "leaflet/images"],
  ["leaflet/LICENSE", "leaflet/LICENSE"],
  ["leaflet.markercluster/dist/leaflet.markercluster.js", "markercluster/leaflet.markercluster.js"],
  ["leaflet.markercluster/dist/MarkerCluster.css", "markercluster/MarkerCluster.css"],
  ["leaflet.markercluster/MIT-LICENCE.txt", "markercluster/LICENSE"],
  ["topojson-client/dist/topojson-client.min.js", "topojson/topojson-client.min.js"],
  ["topojson-client/LICENSE", "topojson/LICENSE"],
  ["world-atlas/countries-50m.json", "world-atlas/countries-50m.json"],
  ["world-atlas/LICENSE", "world-atlas/LICENSE"],
  ["swagger-ui-dist/swagger-ui-bundle.js", "swagger-ui/swagger-ui-bundle.js"],
  ["swagger-ui-dist/swagger-ui.css", "swagger-ui/swagger-ui.css"],
  ["swagger-ui-dist/favicon-32x32.png", "swagger-ui/favicon-32x32.png"],
  ["swagger-ui-dist/LICENSE", "swagger-ui/LICENSE"],
];

rmSync(vendor, { recursive: true, force: true });
for (const [from, to] of files) {
  const source = join(modules, from);
  if (!existsSync(source)) {
    console.error(`error: ${from} is missing; run npm ci in ${here} first`);
    process.exit(1);
  }
  mkdirSync(dirname(join(vendor, to)), { recursive: true });
  cpSync(source, join(vendor, to), { recursive: true });
}
console.log(`copied ${files.length} front-end assets to ${vendor}`);
