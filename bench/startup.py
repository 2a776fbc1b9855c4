#!/usr/bin/python3
"""Start-up of two or more builds of beidouhub, alternated run by run (issue 18: JIT vs AOT).

Usage: /usr/bin/python3 bench/startup.py ROUNDS SMALL_FILE LABEL COMMAND [LABEL COMMAND]...
  COMMAND  how to start beidouhub, split on spaces: 'dotnet src/Service/bin/Release/net10.0/beidouhub.dll'
           or 'artifacts/publish/linux-x64/beidouhub'

Per round and build, two figures, both wall time from the process's start:
  decode  `decode --format jsonl SMALL_FILE` until its first line of output on stdout
  serve   `serve` (the embedded default: seeds/ replayed; web console and metrics off, gRPC on a
          free loopback port) until a client, connected as soon as the port accepts (polled
          every millisecond), has the first streamed position; Python's grpcio with stubs
          generated here by protoc (Debian protobuf-compiler, protobuf-compiler-grpc,
          python3-grpcio). The time the port first accepts is printed too; STARTUP_NO_SERVE=1
          skips the serve figure.
Each process's peak RSS (VmHWM) is printed too. No verdict: note the load average it prints.
"""
import os
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def stubs():
    out = tempfile.mkdtemp(prefix='beidouhub-startup-')
    include = os.path.expanduser('~/.nuget/packages/grpc.tools')
    versions = sorted(os.listdir(include)) if os.path.isdir(include) else []
    wkt = '/usr/include' if os.path.exists('/usr/include/google/protobuf/timestamp.proto') \
        else os.path.join(include, versions[-1], 'build/native/include')
    protos = os.path.join(ROOT, 'src/Service/Protos')
    subprocess.run(['protoc', '-I', protos, '-I', wkt, '--python_out=' + out, '--grpc_python_out=' + out,
                    '--plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin', os.path.join(protos, 'beidouhub.proto')],
                   check=True)
    sys.path.insert(0, out)


def hwm(pid):
    try:
        with open(f'/proc/{pid}/status') as f:
            for line in f:
                if line.startswith('VmHWM:'):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float('nan')


def decode(command, small):
    start = time.perf_counter()
    p = subprocess.Popen(command + ['decode', '--format', 'jsonl', small], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    p.stdout.readline()
    first = time.perf_counter() - start
    rss = hwm(p.pid)
    p.stdout.read()
    p.wait()
    return first, rss


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def serve(command):
    import grpc
    import beidouhub_pb2 as v1
    import beidouhub_pb2_grpc as v1_grpc
    port = free_port()
    work = tempfile.mkdtemp(prefix='beidouhub-startup-serve-')
    start = time.perf_counter()
    p = subprocess.Popen(command + ['serve', f'--BeidouHub:Listen=http://127.0.0.1:{port}', '--BeidouHub:Web:Enabled=false',
                                    '--BeidouHub:Metrics:Enabled=false'], cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        # Debian's grpcio 1.51 does not leave TRANSIENT_FAILURE once its first connect was refused
        # (wait_for_ready then waits until the deadline: the 'nan' of the first version of this
        # script), so the port is polled every millisecond with a plain TCP connect and the channel
        # made once it accepts; the figure is late by at most that millisecond.
        while True:
            if p.poll() is not None:
                raise RuntimeError(f'serve exited with {p.returncode} before listening')
            if time.perf_counter() - start > 60:
                raise TimeoutError('serve did not listen within 60 s')
            try:
                with socket.create_connection(('127.0.0.1', port), timeout=0.1):
                    break
            except OSError:
                time.sleep(0.001)
        listening = time.perf_counter() - start
        with grpc.insecure_channel(f'127.0.0.1:{port}', options=[('grpc.enable_http_proxy', 0)]) as channel:
            call = v1_grpc.PositionsStub(channel).StreamPositions(v1.StreamPositionsRequest(), timeout=60)
            for _ in call:
                first = time.perf_counter() - start
                call.cancel()
                break
        time.sleep(2)  # idle-ish: three receivers replaying, nobody subscribed
        rss = hwm(p.pid)
    finally:
        p.terminate()
        p.wait()
    return listening, first, rss


def main():
    rounds, small = int(sys.argv[1]), sys.argv[2]
    # serve runs in a temp folder (its data/ there): relative paths in a COMMAND are made absolute.
    builds = [(sys.argv[i], [os.path.abspath(a) if os.path.exists(a) else a for a in sys.argv[i + 1].split()])
              for i in range(3, len(sys.argv), 2)]
    stubs()
    print(f'machine: {os.cpu_count()} cores, load average before: {" ".join(open("/proc/loadavg").read().split()[:3])}')
    print(f'small file: {small} ({os.path.getsize(small)} bytes)')
    results = {label: [] for label, _ in builds}
    for r in range(1, rounds + 1):
        for label, command in builds:
            d, drss = decode(command, small)
            try:
                if os.environ.get('STARTUP_NO_SERVE'):
                    raise RuntimeError('STARTUP_NO_SERVE set')
                listen, s, srss = serve(command)
            except Exception as e:  # noqa: BLE001 -- reported, the decode figure still counts
                print(f'serve not measured: {type(e).__name__}: {e}', flush=True)
                listen, s, srss = float('nan'), float('nan'), float('nan')
            results[label].append((d, s))
            print(f'round {r} {label:8} decode first line {d * 1000:7.1f} ms (peak RSS {drss:5.1f} MB)   '
                  f'serve listening {listen * 1000:7.1f} ms, first position {s * 1000:7.1f} ms (peak RSS after 2 s {srss:5.1f} MB)', flush=True)
    for label, rows in results.items():
        ds = sorted(x[0] for x in rows)
        ss = sorted(x[1] for x in rows)
        print(f'{label:8} median decode first line {ds[len(ds) // 2] * 1000:7.1f} ms, median serve first position {ss[len(ss) // 2] * 1000:7.1f} ms ({len(rows)} runs)')
    print(f'load average after: {" ".join(open("/proc/loadavg").read().split()[:3])}')


if __name__ == '__main__':
    main()
