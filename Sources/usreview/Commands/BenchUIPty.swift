import ArgumentParser
import Foundation
import ReviewTUI

/// `usreview bench-ui --pty`: the real binary (`usreview review --graphics blocks`) on a
/// pseudo-terminal at 200×60 cells, driven by a small python3 `pty` harness: start-up to
/// the first frame (the browser's hint bar on the terminal) and key press (n/p between two
/// cached cases in the viewer) to the frame's last byte (nothing more for 100 ms).
enum PtyBenchmark {
    struct Samples: Decodable {
        var startup: [Double]
        var startupSettled: [Double]
        var keys: [Double]
    }

    static func run(binary: String, dataset: String?, runs: Int, columns: Int, rows: Int) throws -> [UIBenchmark.Figure] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", harness, binary, dataset ?? "", String(runs), String(columns), String(rows)]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ValidationError("bench-ui --pty: the python3 pty harness failed (exit \(process.terminationStatus))")
        }
        let samples = try JSONDecoder().decode(Samples.self, from: data)
        func figure(_ name: String, _ values: [Double]) -> UIBenchmark.Figure {
            let sorted = values.sorted()
            return UIBenchmark.Figure(name: name, medianMilliseconds: sorted.isEmpty ? .nan : sorted[sorted.count / 2],
                                      minimumMilliseconds: sorted.first ?? .nan, runs: sorted.count)
        }
        return [figure("pty start-up → first frame", samples.startup),
                figure("pty start-up → frame settled", samples.startupSettled),
                figure("pty key n/p → frame (cached case)", samples.keys)]
    }

    static let harness = #"""
import json, os, pty, select, shutil, struct, subprocess, sys, tempfile, time, fcntl, termios
binary, dataset, runs, cols, rows = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
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

    def spawn():
        pid, fd = pty.fork()
        if pid == 0:
            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
            os.execve(binary, [binary, "review", "--dataset", dataset, "--graphics", "blocks", "--threads", "1"], env)
        return pid, fd

    def read(fd, until=None, quiet=None, timeout=10.0, since=None):
        """Reads until `until` is in the output (returns the time it came) or, with `quiet`,
        until nothing came for `quiet` seconds (returns the time of the last byte)."""
        buffer, last, deadline = b"", since, time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            ready, _, _ = select.select([fd], [], [], quiet if quiet else 0.05)
            if not ready:
                if quiet and last is not None:
                    return last, buffer
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            buffer += chunk
            last = time.perf_counter()
            if until and until in buffer:
                return last, buffer
        raise SystemExit("bench-ui --pty: timed out waiting for the app (%r, %d bytes: %r)" % (until or "quiet", len(buffer), buffer[-200:]))

    def quit(pid, fd):
        os.write(fd, b"q")
        try:
            read(fd, quiet=0.2, timeout=5)
        except SystemExit:
            pass
        os.waitpid(pid, 0)
        os.close(fd)

    startup, startup_settled, keys = [], [], []
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
            os.write(fd, b"\r"); read(fd, quiet=0.5)
            os.write(fd, b"n"); read(fd, quiet=0.5)
            os.write(fd, b"p"); read(fd, quiet=0.5)
            for press in range(max(runs, 21)):
                key = b"n" if press % 2 == 0 else b"p"
                sent = time.perf_counter()
                os.write(fd, key)
                done, _ = read(fd, quiet=0.1)
                keys.append((done - sent) * 1e3)
        quit(pid, fd)
    print(json.dumps({"startup": startup, "startupSettled": startup_settled, "keys": keys, "dataset": dataset}))
finally:
    shutil.rmtree(work, ignore_errors=True)
"""#
}
