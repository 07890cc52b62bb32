import ArgumentParser
import Foundation
import ReviewTUI

/// `usreview bench-ui --pty`: the real binary (`usreview review --graphics blocks`, then
/// `--graphics sixel`, then `--graphics kitty`) on a pseudo-terminal at 200×60 cells, driven by a small python3
/// `pty` harness: start-up to the first frame (the browser's hint bar on the terminal)
/// and key press (n/p between two cached cases in the viewer; with a model also f, the
/// flicker that swaps only the middle panel) to the frame's last byte (nothing more for
/// 100 ms).
///
/// In sixel mode the harness plays the terminal's part in the capability exchange: it
/// answers the app's queries as xterm -ti vt340 does (256 colour registers, 10×20-pixel
/// cells), so the app draws sixel as it would in a real terminal, and every timed frame
/// is checked to hold complete sixel images (`ESC P … q` to `ESC \`), as many as the
/// viewer has pictures (three with a model: LOW · ENHANCED · HIGH). In kitty mode it
/// answers as kitty 0.26.5 does (the graphics query's OK, XTVERSION, DA1 `?62;c`; cells
/// 10×20 as for sixel) and each timed frame must place as many pictures (`a=p`).
enum PtyBenchmark {
    struct Samples: Decodable {
        var startup: [Double]
        var startupSettled: [Double]
        var keys: [Double]
        /// Sixel images in each timed n/p frame (the same in all of them; 0 in blocks mode).
        var imagesPerFrame: Int
        /// Bytes of the median n/p frame.
        var frameBytes: Int
        /// Key f (flicker: HIGH in the ENHANCED panel's place and back) to the frame.
        var flicker: [Double]
        var flickerImagesPerFrame: Int
        var flickerFrameBytes: Int
    }

    static func run(binary: String, dataset: String?, model: String?, graphics: String, runs: Int,
                    columns: Int, rows: Int) throws -> [UIBenchmark.Figure] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", harness, binary, dataset ?? "", model ?? "", graphics,
                             String(runs), String(columns), String(rows)]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ValidationError("bench-ui --pty: the python3 pty harness failed in \(graphics) mode (exit \(process.terminationStatus))")
        }
        let samples = try JSONDecoder().decode(Samples.self, from: data)
        func figure(_ name: String, _ values: [Double]) -> UIBenchmark.Figure {
            let sorted = values.sorted()
            return UIBenchmark.Figure(name: name, medianMilliseconds: sorted.isEmpty ? .nan : sorted[sorted.count / 2],
                                      minimumMilliseconds: sorted.first ?? .nan, runs: sorted.count)
        }
        func frame(_ images: Int, _ bytes: Int) -> String {
            switch graphics {
            case "sixel": return "\(images) sixel\(images == 1 ? "" : "s"), \(bytes / 1024) KiB"
            case "kitty": return "\(images) placement\(images == 1 ? "" : "s"), \(bytes) B"
            default: return "\(bytes / 1024) KiB"
            }
        }
        return [figure("pty \(graphics) start-up → first frame", samples.startup),
                figure("pty \(graphics) start-up → frame settled", samples.startupSettled),
                figure("pty \(graphics) key n/p → frame (\(frame(samples.imagesPerFrame, samples.frameBytes)))", samples.keys)]
            // Flicker needs an ENHANCED picture to swap: timed only with --model.
            + (samples.flicker.isEmpty ? [] : [
                figure("pty \(graphics) key f → frame (\(frame(samples.flickerImagesPerFrame, samples.flickerFrameBytes)))",
                       samples.flicker)])
    }

    static let harness = #"""
import json, os, pty, re, select, shutil, struct, subprocess, sys, tempfile, time, fcntl, termios
binary, dataset, model, graphics = sys.argv[1:5]
runs, cols, rows = int(sys.argv[5]), int(sys.argv[6]), int(sys.argv[7])
# What xterm -ti vt340 (256 colour registers, 10×20-pixel cells, a 2000×1200 window)
# answers to the app's capability queries (TerminalQuery): XTSMGRAPHICS registers and
# geometry, the cell size, and DA1 (with 4: sixel) last, as a terminal answers in order.
DA1_QUERY = b"\x1b[c"
REPLIES = b"\x1b[?1;0;256S\x1b[?2;0;2000;1200S\x1b[6;20;10t\x1b[?63;1;2;4;6;9;15;16;22;28c"
if graphics == "kitty":
    # kitty 0.26.5's answers (recorded), with the same 10×20-pixel cells.
    REPLIES = (b"\x1b_Gi=31;OK\x1b\\\x1b[6;20;10t\x1b[>1;4000;26c\x1bP>|kitty(0.26.5)\x1b\\\x1b[?62;c")
work = tempfile.mkdtemp(prefix="usreview-bench-pty-")
try:
    if not dataset:
        dataset = os.path.join(work, "ds")
        subprocess.run([binary, "synth", "--out", dataset, "--per-organ", "2", "--seed", "5"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    env = dict(os.environ, TERM="xterm-256color", XDG_CACHE_HOME=work + "/cache",
               XDG_STATE_HOME=work + "/state", XDG_CONFIG_HOME=work + "/config")
    for name in ("NO_COLOR", "COLUMNS", "LINES", "TMUX"):
        env.pop(name, None)
    arguments = [binary, "review", "--dataset", dataset, "--graphics", graphics, "--threads", "1"]
    if model:
        arguments += ["--model", model]

    def spawn():
        pid, fd = pty.fork()
        if pid == 0:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
            os.execve(binary, arguments, env)
        return pid, fd

    def read(fd, until=None, quiet=None, timeout=10.0, since=None):
        """Reads until `until` is in the output (returns the time it came) or, with `quiet`,
        until nothing came for `quiet` seconds (returns the time of the last byte).
        Answers the capability queries on the way. A bytearray and a search of the new
        bytes only: a sixel frame is megabytes, and re-scanning it per chunk would time
        the harness, not the app."""
        buffer, last, deadline = bytearray(), since, time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            ready, _, _ = select.select([fd], [], [], quiet if quiet else 0.05)
            if not ready:
                if quiet and last is not None:
                    return last, buffer
                continue
            try:
                chunk = os.read(fd, 1 << 20)
            except OSError:
                break
            if not chunk:
                break
            start = max(0, len(buffer) - 16)
            buffer += chunk
            last = time.perf_counter()
            if DA1_QUERY in buffer[start:]:
                os.write(fd, REPLIES)
            if until and until in buffer[start:]:
                return last, buffer
        raise SystemExit("bench-ui --pty: timed out waiting for the app (%r, %d bytes: %r)"
                         % (until or "quiet", len(buffer), bytes(buffer[-200:])))

    def sixel_images(frame):
        """The complete sixel images in `frame`: (width, height) from each one's raster
        attributes; fails when an image is not terminated by ST."""
        starts = [m.start() for m in re.finditer(rb"\x1bP[0-9;]*q", frame)]
        sizes = []
        for position in starts:
            end = frame.find(b"\x1b\\", position)
            if end < 0:
                raise SystemExit("bench-ui --pty: a sixel image without its ST (ESC \\) in a timed frame")
            raster = re.match(rb"\x1bP[0-9;]*q\"1;1;(\d+);(\d+)", frame[position:position + 40])
            sizes.append((int(raster.group(1)), int(raster.group(2))) if raster else (0, 0))
        return sizes

    def quit(pid, fd):
        os.write(fd, b"q")
        try:
            read(fd, quiet=0.2, timeout=5)
        except SystemExit:
            pass
        os.waitpid(pid, 0)
        os.close(fd)

    def settle(fd, key):
        """Sends `key` and waits until the app has been quiet for a while: the case is
        loaded (and enhanced, with a model) and the prefetch of the next one is done."""
        os.write(fd, key)
        read(fd, quiet=0.5, timeout=60)

    def timed(fd, key_for_press, presses):
        """Times `presses` key presses: key → the frame's last byte; the frames too."""
        times, frames = [], []
        for press in range(presses):
            sent = time.perf_counter()
            os.write(fd, key_for_press(press))
            done, frame = read(fd, quiet=0.1)
            times.append((done - sent) * 1e3)
            frames.append(frame)
        return times, frames

    def kitty_placements(frame):
        """The kitty placements in `frame` (one per picture shown), checked complete."""
        found = [m.start() for m in re.finditer(rb"\x1b_Ga=p,", frame)]
        for position in found:
            if frame.find(b"\x1b\\", position) < 0:
                raise SystemExit("bench-ui --pty: a kitty placement without its ST (ESC \\) in a timed frame")
        return [(0, 0)] * len(found)

    def images_per_frame(frames, what):
        """The sixel images (kitty: placements) of each frame (the same count in all), checked complete."""
        images = [kitty_placements(frame) if graphics == "kitty" else sixel_images(frame) for frame in frames]
        if len({len(found) for found in images}) != 1:
            raise SystemExit("bench-ui --pty: timed %s frames hold different numbers of sixel images: %r"
                             % (what, sorted({len(found) for found in images})))
        if graphics in ("sixel", "kitty") and not images[0]:
            raise SystemExit("bench-ui --pty: %s mode, but the timed %s frames hold no picture" % (graphics, what))
        return images[0]

    def median_bytes(times, frames):
        return len(frames[sorted(range(len(times)), key=lambda i: times[i])[len(times) // 2]]) if times else 0

    startup, startup_settled, keys, frames, flicker, flicker_frames = [], [], [], [], [], []
    for attempt in range(runs):
        start = time.perf_counter()
        pid, fd = spawn()
        first, _ = read(fd, until=b"Enter open")
        settled, _ = read(fd, quiet=0.1, since=first)
        startup.append((first - start) * 1e3)
        startup_settled.append((settled - start) * 1e3)
        if attempt == 0:
            # Open the first case and the next, wait until both are loaded (cached), then
            # time n/p between them: key press → the last byte of the frame.
            for key in (b"\r", b"n", b"p", b"n", b"p"):
                settle(fd, key)
            presses = max(runs, 21)
            keys, frames = timed(fd, lambda press: b"n" if press % 2 == 0 else b"p", presses)
            if model:
                # Flicker in place: only the middle panel changes (an even count ends unflickered).
                flicker, flicker_frames = timed(fd, lambda press: b"f", presses + presses % 2)
        quit(pid, fd)
    images = images_per_frame(frames, "n/p")
    flicker_images = images_per_frame(flicker_frames, "f") if flicker else []
    print(json.dumps({"startup": startup, "startupSettled": startup_settled, "keys": keys,
                      "imagesPerFrame": len(images), "imageSizes": images,
                      "frameBytes": median_bytes(keys, frames), "flicker": flicker,
                      "flickerImagesPerFrame": len(flicker_images),
                      "flickerFrameBytes": median_bytes(flicker, flicker_frames), "dataset": dataset}))
finally:
    shutil.rmtree(work, ignore_errors=True)
"""#
}
