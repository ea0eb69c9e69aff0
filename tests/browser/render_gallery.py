#!/usr/bin/env python3
"""The gallery in a real browser: headless Chromium renders docs/pictures' index.html as
examples/pictures wrote it into the build tree, and the test checks that

  - the page's screenshot is not blank (the PNG decoded here, its non-white pixels counted);
  - every picture the page shows or links loaded as an image with a size (a probe page with
    <img onload/onerror> per picture, read back with --dump-dom);
  - the animations play: a film paused at two moments (its SMIL clock set from a script) gives two
    different pictures, whenever the browser takes the screenshot.

    render_gallery.py <gallery directory>

Without /usr/bin/chromium (or $NONLIN_CHROMIUM) it is installed with apt-get when running as root;
otherwise the test is skipped (exit 77, CTest's SKIP_RETURN_CODE)."""
import html.parser
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

SKIP = 77
CHROMIUM = os.environ.get("NONLIN_CHROMIUM", "/usr/bin/chromium")  # another browser binary, if set


def find_chromium():
    if os.path.exists(CHROMIUM):
        return CHROMIUM
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("chromium is missing: apt-get install -y chromium")
        subprocess.run(["apt-get", "install", "-y", "chromium"], check=False,
                       stdout=subprocess.DEVNULL, env=dict(os.environ, DEBIAN_FRONTEND="noninteractive"))
        if os.path.exists(CHROMIUM):
            return CHROMIUM
    print("SKIP: no %s (install it with: apt-get install chromium)" % CHROMIUM)
    sys.exit(SKIP)


def chromium(browser, *arguments, timeout=90):
    command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
               "--no-first-run", "--disable-extensions", "--allow-file-access-from-files", *arguments]
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=timeout, check=False)
    return done.stdout.decode("utf-8", "replace")


def screenshot(browser, url, path, size, budget_ms=None):
    arguments = ["--screenshot=" + path, "--window-size=%d,%d" % size]
    if budget_ms is not None:
        arguments.append("--virtual-time-budget=%d" % budget_ms)
    chromium(browser, *arguments, url)
    if not os.path.exists(path):
        sys.exit("FAIL: chromium wrote no screenshot of " + url)
    return decode_png(path)


def decode_png(path):
    """(width, height, rows of RGB(A) bytes) of an 8-bit RGB or RGBA PNG, as Chromium writes them."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        sys.exit("FAIL: %s is not a PNG" % path)
    at, idat, width, height, colour = 8, b"", 0, 0, 0
    while at < len(data):
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        body = data[at + 8:at + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            if depth != 8 or colour not in (2, 6):
                sys.exit("FAIL: %s: only 8-bit RGB or RGBA PNGs are decoded here" % path)
        elif kind == b"IDAT":
            idat += body
        at += 12 + length
    raw = zlib.decompress(idat)
    channels = 3 if colour == 2 else 4
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        rows.append(bytes(line))
        previous = line
    return width, height, channels, rows


def non_white(image):
    width, height, channels, rows = image
    count = 0
    for row in rows:
        for x in range(0, width * channels, channels):
            if row[x] < 240 or row[x + 1] < 240 or row[x + 2] < 240:
                count += 1
    return count


class pictures(html.parser.HTMLParser):
    """The pictures a page shows (<img src>) and links (<a href> to an .svg)."""

    def __init__(self):
        super().__init__()
        self.files = []

    def handle_starttag(self, tag, attributes):
        a = dict(attributes)
        if tag == "img" and a.get("src"):
            self.files.append(a["src"])
        if tag == "a" and a.get("href", "").endswith(".svg"):
            self.files.append(a["href"])


PROBE = """<!DOCTYPE html><html><head><meta charset="utf-8"><base href="%s"></head><body>
<pre id="result"></pre>
<script>
function done(image, ok) {
  document.getElementById("result").textContent +=
      image.getAttribute("src") + " " + (ok && image.naturalWidth > 0 ? "loaded" : "FAILED") + " " +
      image.naturalWidth + "x" + image.naturalHeight + "\\n";
}
</script>
%s
</body></html>
"""


FILM = """<!DOCTYPE html><html><head><meta charset="utf-8">
<style>body { margin: 0; } object { visibility: hidden; }</style></head><body>
<object id="film" type="image/svg+xml" data="%s" width="%d" height="%d"></object>
<script>
// The film's clock stopped at a chosen moment: the frame no longer depends on when the browser takes
// its screenshot (a busy machine delays that by seconds). Shown only once paused, so a film that never
// loaded gives a blank page, not a frame of the wrong moment.
document.getElementById("film").addEventListener("load", function (event) {
  var svg = event.target.contentDocument.documentElement;
  svg.pauseAnimations();
  svg.setCurrentTime(%f);
  event.target.style.visibility = "visible";
});
</script></body></html>
"""


def film_frame(browser, gallery, film, seconds, path, size=(600, 602), attempts=3):
    """A screenshot of the film paused at `seconds`; retried when the film had not loaded by the shot."""
    page = path + ".html"
    with open(page, "w", encoding="utf-8") as f:
        f.write(FILM % ("file://" + os.path.join(gallery, film), size[0], size[1], seconds))
    for _ in range(attempts):
        frame = screenshot(browser, "file://" + page, path, size, 5000)
        if non_white(frame) > 0:
            return frame
    sys.exit("FAIL: %s did not load in its page within %d attempts" % (film, attempts))


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: render_gallery.py <gallery directory>")
    gallery = os.path.abspath(sys.argv[1])
    page = os.path.join(gallery, "index.html")
    if not os.path.exists(page):
        sys.exit("FAIL: no %s (run examples/pictures %s first)" % (page, gallery))
    browser = find_chromium()
    work = tempfile.mkdtemp(prefix="nonlin-browser-")
    try:
        # 1. The page renders and is not blank.
        shot = screenshot(browser, "file://" + page, os.path.join(work, "index.png"), (1200, 2400), 5000)
        dark = non_white(shot)
        print("index.html: %dx%d screenshot, %d non-white pixels" % (shot[0], shot[1], dark))
        if dark < 0.02 * shot[0] * shot[1]:
            sys.exit("FAIL: the gallery's screenshot is (nearly) blank")

        # 2. Every picture it shows or links loads as an image.
        parser = pictures()
        with open(page, encoding="utf-8") as f:
            parser.feed(f.read())
        files = sorted(set(parser.files))
        if not files:
            sys.exit("FAIL: the gallery shows no pictures")
        images = "\n".join('<img src="%s" onload="done(this, true)" onerror="done(this, false)">' % name
                           for name in files)
        probe = os.path.join(work, "probe.html")
        with open(probe, "w", encoding="utf-8") as f:
            f.write(PROBE % ("file://" + gallery + "/", images))
        dom = chromium(browser, "--virtual-time-budget=10000", "--dump-dom", "file://" + probe)
        results = {}
        report = dom.split('<pre id="result">', 1)[-1].split("</pre>", 1)[0]
        for line in html.unescape(report).splitlines():
            words = line.split()
            if len(words) == 3 and words[0] in files:
                results[words[0]] = (words[1], words[2])
        failed = [name for name in files if results.get(name, ("missing",))[0] != "loaded"]
        for name in files:
            print("  %-34s %s" % (name, " ".join(results.get(name, ("did not report",)))))
        if failed:
            sys.exit("FAIL: %d of %d pictures did not load: %s" % (len(failed), len(files), ", ".join(failed)))

        # 3. The animations play: two moments of the same film differ (SMIL runs without scripts).
        films = [name for name in files if name.startswith("layers_") and not name.endswith("_still.svg")]
        if films:
            film = films[-1]
            early = film_frame(browser, gallery, film, 0.3, os.path.join(work, "early.png"))
            late = film_frame(browser, gallery, film, 12.0, os.path.join(work, "late.png"))
            if early[3] == late[3]:
                sys.exit("FAIL: %s looks the same at 0.3 s and at 12 s: it does not move" % film)
            print("%s moves: its frames at 0.3 s and 12 s differ" % film)
        print("the gallery renders: %d pictures loaded" % len(files))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
