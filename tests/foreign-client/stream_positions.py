#!/usr/bin/env python3
"""Interop check: stream positions from BeidouHub with Python's gRPC stack (Debian's python3-grpcio).

Usage: python3 stream_positions.py HOST:PORT STUBS_DIR COUNT [CA_FILE]
  STUBS_DIR  beidouhub_pb2.py and beidouhub_pb2_grpc.py, generated from the committed proto with
             protoc and grpc_python_plugin (Debian protobuf-compiler, protobuf-compiler-grpc):
               protoc -I src/Service/Protos -I INCLUDE --python_out=DIR --grpc_python_out=DIR \
                 --plugin=protoc-gen-grpc_python=/usr/bin/grpc_python_plugin src/Service/Protos/beidouhub.proto
             (INCLUDE: a folder with google/protobuf/timestamp.proto, e.g. /usr/include from
             libprotobuf-dev or build/native/include of the Grpc.Tools NuGet package)
  CA_FILE    connect over TLS, trusting this CA (PEM); without it, plain HTTP/2
The token, if any, comes from $BEIDOUHUB_TOKEN and is sent as 'authorization: Bearer TOKEN'.
Prints one JSON object per position (the fields the test checks), then exits 0.
"""
import json
import os
import sys


def main():
    address, stubs, count_text = sys.argv[1:4]
    ca_file = sys.argv[4] if len(sys.argv) > 4 else None
    sys.path.insert(0, stubs)
    import grpc
    import beidouhub_pb2 as v1
    import beidouhub_pb2_grpc as v1_grpc

    if ca_file:
        with open(ca_file, 'rb') as f:
            channel = grpc.secure_channel(address, grpc.ssl_channel_credentials(root_certificates=f.read()))
    else:
        channel = grpc.insecure_channel(address)
    token = os.environ.get('BEIDOUHUB_TOKEN')
    metadata = [('authorization', 'Bearer ' + token)] if token else None

    wanted = int(count_text)
    request = v1.StreamPositionsRequest(
        coordinates=[v1.COORDINATE_SYSTEM_GRID, v1.COORDINATE_SYSTEM_GCJ02], include_satellites=True)
    call = v1_grpc.PositionsStub(channel).StreamPositions(request, metadata=metadata, timeout=30)
    seen = 0
    try:
        for p in call:
            print(json.dumps({
                'receiverId': p.receiver_id, 'sequence': p.sequence,
                'time': p.time.seconds if p.HasField('time') else None,
                'latitude': p.latitude, 'longitude': p.longitude, 'quality': p.quality,
                'rtk': v1.RtkState.Name(p.rtk), 'mode': v1.FixMode.Name(p.mode),
                'gridEpsg': p.grid.epsg if p.HasField('grid') else None,
                'northing': p.grid.northing if p.HasField('grid') else None,
                'gcj02Longitude': p.gcj02.longitude if p.HasField('gcj02') else None,
                'beidouUsed': p.used.beidou, 'satellites': len(p.satellites),
            }), flush=True)
            seen += 1
            if seen >= wanted:
                call.cancel()
                return 0
    except grpc.RpcError as e:
        if e.code() != grpc.StatusCode.CANCELLED:
            print(f'{e.code().name}: {e.details()}', file=sys.stderr)
            return 2
    return 0 if seen >= wanted else 3


if __name__ == '__main__':
    sys.exit(main())
