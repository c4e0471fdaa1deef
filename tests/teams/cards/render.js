// Renders cards with Microsoft's Adaptive Cards renderer (npm adaptivecards, the same bundle the
// validator uses) in a local HTML page in headless Chromium, to PNG files a person can look at.
// Fails when a page does not render the card (checked in Chromium's DOM), or a PNG is missing,
// not a PNG, or a single flat colour.
// Usage: node render.js <chromium> <cards folder> <out folder> <name>=<card.json>[:<button>] ...
// A button title after the colon is pressed before the screenshot (e.g. to open a ShowCard).
"use strict";

const fs = require("fs");
const path = require("path");
const zlib = require("zlib");
const { execFileSync } = require("child_process");

const [chromium, cardsDir, outArg, ...specs] = process.argv.slice(2);
const outDir = outArg && path.resolve(outArg);
if (!chromium || !cardsDir || !outDir || specs.length === 0) {
    console.error("usage: node render.js <chromium> <cards> <out> <name>=<card.json>[:<button>] ...");
    process.exit(2);
}
const bundle = require.resolve("adaptivecards/dist/adaptivecards.min.js");

// A Teams-like look: Segoe UI first, the light theme's accent colour.
const hostConfig = {
    fontFamily: "'Segoe UI', 'Helvetica Neue', sans-serif",
    containerStyles: { default: { foregroundColors: { accent: { default: "#6264A7" } } } },
    actions: { maxActions: 5, buttonSpacing: 8, actionsOrientation: "horizontal" },
};

function page(card, button) {
    // JSON inside a <script> element: "</" would end the element.
    const literal = (v) => JSON.stringify(v).replace(/<\//g, "<\\/");
    return `<!DOCTYPE html>
<html lang="nb"><head><meta charset="utf-8"><title>card</title>
<style>body { margin: 0; padding: 16px; background: #f5f5f5; width: 560px; }
#card { background: #fff; border: 1px solid #e1dfdd; border-radius: 4px; padding: 0; }</style>
<script src="${"file://" + bundle}"></script></head>
<body><div id="card"></div><script>
try {
    const card = new AdaptiveCards.AdaptiveCard();
    card.hostConfig = new AdaptiveCards.HostConfig(${literal(hostConfig)});
    card.parse(${literal(card)});
    const element = card.render();
    if (!element) throw new Error("render() returned nothing");
    document.getElementById("card").appendChild(element);
    const press = ${literal(button || "")};
    if (press) {
        const target = [...document.querySelectorAll("button")].find((b) => b.textContent.trim() === press);
        if (!target) throw new Error("no button " + press);
        target.click();
    }
    document.body.setAttribute("data-rendered", "yes");
} catch (e) {
    document.body.setAttribute("data-rendered", "no");
    document.body.setAttribute("data-error", String(e));
}
</script></body></html>
`;
}

function chrome(args) {
    const profile = fs.mkdtempSync(path.join(outDir, ".profile-"));
    try {
        return execFileSync(
            chromium,
            ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--allow-file-access-from-files", "--hide-scrollbars", `--user-data-dir=${profile}`,
             "--window-size=600,1100", ...args],
            { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 60000 });
    } finally {
        fs.rmSync(profile, { recursive: true, force: true });
    }
}

// The number of distinct RGB colours in an 8-bit RGB or RGBA, non-interlaced PNG.
function distinctColours(file) {
    const png = fs.readFileSync(file);
    if (png.length < 8 || png.readUInt32BE(0) !== 0x89504e47) {
        throw new Error(`${file} is not a PNG`);
    }
    let offset = 8;
    let width = 0, height = 0, channels = 0;
    const idat = [];
    while (offset < png.length) {
        const length = png.readUInt32BE(offset);
        const type = png.toString("ascii", offset + 4, offset + 8);
        const data = png.subarray(offset + 8, offset + 8 + length);
        if (type === "IHDR") {
            width = data.readUInt32BE(0);
            height = data.readUInt32BE(4);
            const depth = data[8], colourType = data[9], interlace = data[12];
            channels = { 2: 3, 6: 4 }[colourType];
            if (depth !== 8 || !channels || interlace !== 0) {
                throw new Error(`${file}: unexpected PNG format (depth ${depth}, type ${colourType})`);
            }
        } else if (type === "IDAT") {
            idat.push(data);
        }
        offset += 12 + length;
    }
    const raw = zlib.inflateSync(Buffer.concat(idat));
    const stride = width * channels;
    let previous = Buffer.alloc(stride);
    const colours = new Set();
    for (let y = 0; y < height; ++y) {
        const filter = raw[y * (stride + 1)];
        const row = Buffer.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
        for (let x = 0; x < stride; ++x) {
            const a = x >= channels ? row[x - channels] : 0;
            const b = previous[x];
            const c = x >= channels ? previous[x - channels] : 0;
            let add = 0;
            if (filter === 1) add = a;
            else if (filter === 2) add = b;
            else if (filter === 3) add = (a + b) >> 1;
            else if (filter === 4) {
                const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
                add = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
            }
            row[x] = (row[x] + add) & 0xff;
        }
        for (let x = 0; x < stride; x += channels) {
            colours.add((row[x] << 16) | (row[x + 1] << 8) | row[x + 2]);
        }
        previous = row;
    }
    return colours.size;
}

fs.mkdirSync(outDir, { recursive: true });
let failed = 0;
for (const spec of specs) {
    const [name, rest] = spec.split("=");
    const [cardFile, button] = rest.split(":");
    try {
        const card = JSON.parse(fs.readFileSync(path.join(cardsDir, cardFile), "utf8"));
        const html = path.join(outDir, `${name}.html`);
        const png = path.join(outDir, `${name}.png`);
        fs.writeFileSync(html, page(card, button));
        fs.rmSync(png, { force: true });

        const dom = chrome(["--dump-dom", `file://${html}`]);
        if (!dom.includes('data-rendered="yes"')) {
            const error = /data-error="([^"]*)"/.exec(dom);
            throw new Error(`the renderer did not render it: ${error ? error[1] : "no result"}`);
        }
        const title = card.body.find((e) => e.type === "TextBlock");
        if (title && !dom.includes(title.text.slice(0, 20))) {
            throw new Error("the rendered page does not show the card's title");
        }
        chrome([`--screenshot=${png}`, `file://${html}`]);
        if (!fs.existsSync(png)) {
            throw new Error("Chromium wrote no screenshot");
        }
        const colours = distinctColours(png);
        if (colours < 3) {
            throw new Error(`the screenshot is empty (${colours} colours)`);
        }
        console.log(`ok   ${name}: ${png} (${fs.statSync(png).size} bytes, ${colours} colours)`);
    } catch (e) {
        ++failed;
        console.log(`FAIL ${name}: ${e.message}`);
    }
}
process.exit(failed === 0 ? 0 : 1);
