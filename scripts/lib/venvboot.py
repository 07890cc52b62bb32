"""Per-script virtual environments under <repo>/.cache/venv-NAME, made on first use.

A script calls ``ensure_venv("name", ["numpy==…", …])`` before importing anything
outside the standard library. Run by another interpreter, it creates (or repairs) the
venv with ``python3 -m venv`` + ``pip install`` of the pinned requirements and then
re-executes the script with the venv's python; inside the venv it returns at once.

A venv counts as ready only when its ``.usreview-requirements`` stamp (written last)
lists exactly the requested pins, so an interrupted install is redone on the next run
instead of being half-used.
"""
import os
import shutil
import subprocess
import sys

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
STAMP = ".usreview-requirements"


def die(message, code=1):
    print(f"{os.path.basename(sys.argv[0])}: error: {message}", file=sys.stderr)
    sys.exit(code)


def venv_dir(name):
    return os.path.join(REPO, ".cache", f"venv-{name}")


def _venv_python(path):
    return os.path.join(path, "bin", "python")


def ensure_venv(name, requirements):
    path = venv_dir(name)
    wanted = "\n".join(requirements) + "\n"
    if os.path.realpath(sys.prefix) == os.path.realpath(path):
        return  # already running inside it
    stamp = os.path.join(path, STAMP)
    try:
        with open(stamp) as f:
            ready = f.read() == wanted
    except OSError:
        ready = False
    if not ready:
        print(f"[setup] creating {os.path.relpath(path, REPO)} with {' '.join(requirements)}", file=sys.stderr)
        shutil.rmtree(path, ignore_errors=True)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        try:
            subprocess.run([sys.executable, "-m", "venv", path], check=True)
            subprocess.run([_venv_python(path), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                            "--only-binary=:all:", *requirements], check=True)
        except (subprocess.CalledProcessError, OSError) as error:
            die(f"could not set up the Python environment {path}: {error}\n"
                f"  (needs python3-venv and access to PyPI; delete {path} and retry)")
        tmp = stamp + ".tmp"
        with open(tmp, "w") as f:
            f.write(wanted)
        os.replace(tmp, stamp)
    os.execv(_venv_python(path), [_venv_python(path), os.path.abspath(sys.argv[0]), *sys.argv[1:]])
