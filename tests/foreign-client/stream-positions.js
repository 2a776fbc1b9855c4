// Interop check: stream positions from BeidouHub with Node's gRPC stack and the committed proto
// as it is. Usage: node stream-positions.js HOST:PORT PROTO COUNT [CA_FILE]
//   CA_FILE: connect over TLS, trusting this CA (PEM); without it, plain HTTP/2.
// The token, if any, comes from $BEIDOUHUB_TOKEN and is sent as 'authorization: Bearer TOKEN'.
// Prints one JSON object per position (the fields the test checks), then exits 0.
'use strict';
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');
const fs = require('fs');

const [address, protoPath, countText, caFile] = process.argv.slice(2);
const definition = protoLoader.loadSync(protoPath, { keepCase: false, longs: String, enums: String, defaults: true, oneofs: true });
const v1 = grpc.loadPackageDefinition(definition).beidouhub.v1;
const credentials = caFile ? grpc.credentials.createSsl(fs.readFileSync(caFile)) : grpc.credentials.createInsecure();
const client = new v1.Positions(address, credentials);
const metadata = new grpc.Metadata();
if (process.env.BEIDOUHUB_TOKEN) { metadata.set('authorization', `Bearer ${process.env.BEIDOUHUB_TOKEN}`); }
const wanted = Number(countText);
let seen = 0;
const call = client.streamPositions({ coordinates: ['COORDINATE_SYSTEM_GRID', 'COORDINATE_SYSTEM_GCJ02'], includeSatellites: true }, metadata);
const timer = setTimeout(() => { console.error('timed out'); process.exit(3); }, 30000);
call.on('data', (p) => {
  console.log(JSON.stringify({
    receiverId: p.receiverId, sequence: p.sequence, time: p.time ? Number(p.time.seconds) : null,
    latitude: p.latitude, longitude: p.longitude, quality: p.quality, rtk: p.rtk, mode: p.mode,
    gridEpsg: p.grid ? p.grid.epsg : null, northing: p.grid ? p.grid.northing : null,
    gcj02Longitude: p.gcj02 ? p.gcj02.longitude : null, beidouUsed: p.used ? p.used.beidou : null,
    satellites: p.satellites.length, firstSatellite: p.satellites[0] || null,
  }));
  if (++seen >= wanted) { clearTimeout(timer); call.cancel(); process.exit(0); }
});
call.on('error', (e) => { if (e.code !== grpc.status.CANCELLED) { console.error(e.message); process.exit(2); } });
