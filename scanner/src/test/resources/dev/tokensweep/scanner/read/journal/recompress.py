"""Rewrites a real journal file so that its compressed DATA objects use another algorithm
(systemd 252 on Debian 12 writes zstd only). Payload bytes are decompressed with zstd and
compressed as systemd's compress.c does: xz = lzma_easy_buffer_encode(preset 0, CHECK_NONE);
lz4 = 64-bit little-endian size then an LZ4 block (LZ4_compress_default). Objects are relaid
and every offset field is remapped; `journalctl --verify` must pass on the output."""
import struct, sys, lzma, subprocess
import lz4.block

src, dst, algo = sys.argv[1], sys.argv[2], sys.argv[3]
b = bytearray(open(src, 'rb').read())
incompat = struct.unpack_from('<I', b, 12)[0]
compact = bool(incompat & 16)
hs, arena = struct.unpack_from('<QQ', b, 88)
objs = []
p = hs
while p + 16 <= len(b):
    t, fl = b[p], b[p+1]
    sz = struct.unpack_from('<Q', b, p + 8)[0]
    if sz == 0:
        break
    objs.append((p, t, fl, bytes(b[p:p+sz])))
    p += (sz + 7) & ~7
def zstd_decompress(data):
    return subprocess.run(['zstd', '-d', '-c'], input=data, capture_output=True, check=True).stdout
newobjs = []
for (p, t, fl, o) in objs:
    if t == 1 and fl & 4:
        dh = 72 if compact else 64
        plain = zstd_decompress(o[dh:])
        if algo == 'xz':
            comp = lzma.compress(plain, format=lzma.FORMAT_XZ, check=lzma.CHECK_NONE, preset=0)
            flag = 1
        else:
            comp = struct.pack('<Q', len(plain)) + lz4.block.compress(plain, store_size=False)
            flag = 2
        o = bytearray(o[:dh] + comp)
        o[1] = flag
        struct.pack_into('<Q', o, 8, len(o))
        o = bytes(o)
    newobjs.append((p, t, o))
remap = {}
q = hs
for (p, t, o) in newobjs:
    remap[p] = q
    q += (len(o) + 7) & ~7
def m(off):
    return remap.get(off, 0) if off else 0
out = bytearray(b[:hs])
for (p, t, o) in newobjs:
    o = bytearray(o)
    if t == 1:  # DATA
        for f in (24, 32, 40, 48):
            struct.pack_into('<Q', o, f, m(struct.unpack_from('<Q', o, f)[0]))
        if compact:
            struct.pack_into('<I', o, 64, m(struct.unpack_from('<I', o, 64)[0]))
    elif t == 2:  # FIELD
        for f in (24, 32):
            struct.pack_into('<Q', o, f, m(struct.unpack_from('<Q', o, f)[0]))
    elif t == 3:  # ENTRY
        i = 64
        while i < len(o):
            if compact:
                struct.pack_into('<I', o, i, m(struct.unpack_from('<I', o, i)[0])); i += 4
            else:
                struct.pack_into('<Q', o, i, m(struct.unpack_from('<Q', o, i)[0])); i += 16
    elif t in (4, 5):  # hash tables: head, tail
        for i in range(16, len(o), 8):
            struct.pack_into('<Q', o, i, m(struct.unpack_from('<Q', o, i)[0]))
    elif t == 6:  # ENTRY_ARRAY
        struct.pack_into('<Q', o, 16, m(struct.unpack_from('<Q', o, 16)[0]))
        step = 4 if compact else 8
        for i in range(24, len(o) - step + 1, step):
            fmt = '<I' if compact else '<Q'
            struct.pack_into(fmt, o, i, m(struct.unpack_from(fmt, o, i)[0]))
    out += o + b'\0' * (((len(o) + 7) & ~7) - len(o))
# header offsets
for f in (104, 120):
    struct.pack_into("<Q", out, f, m(struct.unpack_from("<Q", out, f)[0] - 16) + 16)
for f in (136, 176):
    struct.pack_into('<Q', out, f, m(struct.unpack_from('<Q', out, f)[0]))
if hs >= 256:
    struct.pack_into('<I', out, 248, m(struct.unpack_from('<I', out, 248)[0]))
if hs >= 264:
    struct.pack_into('<Q', out, 256, m(struct.unpack_from('<Q', out, 256)[0]))
struct.pack_into('<Q', out, 96, len(out) - hs)
newincompat = (incompat & ~8) | (1 if algo == 'xz' else 2)
struct.pack_into('<I', out, 12, newincompat)
open(dst, 'wb').write(out)
