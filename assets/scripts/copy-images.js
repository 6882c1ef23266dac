// Copies into ../permits/static/vendor/images/ exactly the govuk-frontend
// images that the built app.css references, and fails the build if app.css
// references anything else we do not ship (other paths, fonts other than the
// vendored ones in ../permits/static/fonts/) or embeds a GDS Transport
// @font-face.
"use strict";
const fs = require("fs");
const path = require("path");

const cssFile = path.join(__dirname, "..", "..", "permits", "static", "css", "app.css");
const srcDir = path.join(__dirname, "..", "node_modules", "govuk-frontend", "dist", "govuk", "assets", "images");
const destDir = path.join(__dirname, "..", "..", "permits", "static", "vendor", "images");
const prefix = "/static/vendor/images/";

const css = fs.readFileSync(cssFile, "utf8");
const problems = [];
if (/GDS Transport/i.test(css)) {
  problems.push("app.css contains GDS Transport");
}
// Our own @font-face rules only: the manat sign's one-glyph font (U+20BC).
for (const m of css.matchAll(/@font-face\s*\{([^}]*)\}/gi)) {
  if (!/font-family:\s*["']?Manat Sign/i.test(m[1]) || !/unicode-range:\s*U\+20BC\b/i.test(m[1])) {
    problems.push(`unexpected @font-face {${m[1]}}`);
  }
}
const fontsPrefix = "/static/fonts/";
const fontsDir = path.join(__dirname, "..", "..", "permits", "static", "fonts");

const refs = new Set();
for (const m of css.matchAll(/url\(\s*(['"]?)([^'")]+)\1\s*\)/g)) {
  const ref = m[2];
  if (ref.startsWith("data:") || ref.startsWith("#")) continue;
  if (ref.startsWith(fontsPrefix)) {
    if (!fs.existsSync(path.join(fontsDir, ref.slice(fontsPrefix.length)))) problems.push(`url(${ref}) is not in permits/static/fonts`);
    continue;
  }
  if (ref.startsWith(prefix) && !ref.slice(prefix.length).includes("/")) {
    refs.add(ref.slice(prefix.length));
  } else {
    problems.push(`unexpected url(${ref})`);
  }
}

for (const name of refs) {
  const src = path.join(srcDir, name);
  if (!fs.existsSync(src)) {
    problems.push(`url(${prefix}${name}) has no source in govuk-frontend assets`);
    continue;
  }
  fs.mkdirSync(destDir, { recursive: true });
  fs.copyFileSync(src, path.join(destDir, name));
}

if (problems.length) {
  console.error("copy-images: " + problems.join("\n  "));
  process.exit(1);
}
console.log(refs.size ? `copy-images: copied ${[...refs].join(", ")}` : "copy-images: app.css references no images; nothing copied");
