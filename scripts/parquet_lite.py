"""A small Parquet reader in pure Python and numpy, for the cross-check scripts.

Debian 12's Python has numpy and scikit-learn but no pyarrow, so the scripts that check linprobe
against scikit-learn read linprobe's Parquet tables with this. It reads what Spark writes for
linprobe's tables: flat columns and one level of arrays (`array<float>`) with their nulls, data
pages v1 (Spark's default) and v2, PLAIN and dictionary encodings (not the DELTA encodings of
`parquet.writer.version=PARQUET_2_0`), uncompressed, snappy or gzip. Checked against Spark's
own reading of such tables (nulls, empty arrays, null elements, several pages, each codec) and
on data-samples/digits against scikit-learn's digits. When pyarrow is installed it is used
instead.

    from parquet_lite import read_table
    cols = read_table("data-samples/digits/train.parquet")   # a file or a Spark directory
    cols["label"], cols["embedding"]                          # lists, one item per row
"""

import gzip
import os
import struct
import zlib

import numpy as np

__all__ = ["read_table"]

# ---------------------------------------------------------------- thrift compact protocol


class _Thrift:
    def __init__(self, buf, pos=0):
        self.buf, self.pos = buf, pos

    def byte(self):
        b = self.buf[self.pos]
        self.pos += 1
        return b

    def varint(self):
        shift = result = 0
        while True:
            b = self.byte()
            result |= (b & 0x7F) << shift
            if not b & 0x80:
                return result
            shift += 7

    def zigzag(self):
        n = self.varint()
        return (n >> 1) ^ -(n & 1)

    def value(self, t):
        if t in (1, 2):  # booleans in a field header; a byte in a list
            return t == 1
        if t == 3:
            v = self.byte()
            return v - 256 if v > 127 else v
        if t in (4, 5, 6):
            return self.zigzag()
        if t == 7:
            v = struct.unpack_from("<d", self.buf, self.pos)[0]
            self.pos += 8
            return v
        if t == 8:
            n = self.varint()
            v = bytes(self.buf[self.pos:self.pos + n])
            self.pos += n
            return v
        if t in (9, 10):
            h = self.byte()
            n, et = h >> 4, h & 0x0F
            if n == 15:
                n = self.varint()
            if et in (1, 2):
                return [self.byte() == 1 for _ in range(n)]
            return [self.value(et) for _ in range(n)]
        if t == 11:
            n = self.varint()
            if n == 0:
                return {}
            kv = self.byte()
            return {self.value(kv >> 4): self.value(kv & 0x0F) for _ in range(n)}
        if t == 12:
            return self.struct()
        raise ValueError("unknown thrift compact type %d" % t)

    def struct(self):
        fields, last = {}, 0
        while True:
            h = self.byte()
            if h == 0:
                return fields
            t, delta = h & 0x0F, h >> 4
            fid = last + delta if delta else self.zigzag()
            fields[fid] = self.value(t)
            last = fid


# ---------------------------------------------------------------- decompression


def _snappy(data):
    try:
        import snappy  # python3-snappy, when installed
        return snappy.uncompress(bytes(data))
    except ImportError:
        pass
    t = _Thrift(data)
    n = t.varint()
    out = bytearray(n)
    o, p, d = 0, t.pos, data
    while p < len(d):
        tag = d[p]
        p += 1
        kind = tag & 3
        if kind == 0:
            ln = tag >> 2
            if ln >= 60:
                nb = ln - 59
                ln = int.from_bytes(d[p:p + nb], "little")
                p += nb
            ln += 1
            out[o:o + ln] = d[p:p + ln]
            o += ln
            p += ln
            continue
        if kind == 1:
            ln = ((tag >> 2) & 7) + 4
            off = ((tag >> 5) << 8) | d[p]
            p += 1
        elif kind == 2:
            ln = (tag >> 2) + 1
            off = int.from_bytes(d[p:p + 2], "little")
            p += 2
        else:
            ln = (tag >> 2) + 1
            off = int.from_bytes(d[p:p + 4], "little")
            p += 4
        s = o - off
        if off >= ln:
            out[o:o + ln] = out[s:s + ln]
        else:
            for i in range(ln):
                out[o + i] = out[s + i]
        o += ln
    return bytes(out)


def _decompress(codec, data):
    if codec == 0:
        return bytes(data)
    if codec == 1:
        return _snappy(data)
    if codec == 2:
        return gzip.decompress(data) if data[:2] == b"\x1f\x8b" else zlib.decompress(data)
    raise ValueError("Parquet codec %d is not supported here (uncompressed, snappy, gzip are); "
                     "install pyarrow" % codec)


# ---------------------------------------------------------------- encodings


def _hybrid(buf, pos, end, width, count):
    """RLE / bit-packed hybrid values of `width` bits, `count` of them, from buf[pos:end]."""
    out = np.empty(count, dtype=np.int64)
    got = 0
    t = _Thrift(buf, pos)
    nbytes = (width + 7) // 8
    while got < count and t.pos < end:
        h = t.varint()
        if h & 1:
            n = (h >> 1) * 8
            raw = np.frombuffer(buf, dtype=np.uint8, count=(h >> 1) * width, offset=t.pos)
            t.pos += (h >> 1) * width
            if width == 0:
                vals = np.zeros(n, dtype=np.int64)
            else:
                bits = np.unpackbits(raw, bitorder="little").reshape(n, width)
                vals = bits.astype(np.int64) @ (1 << np.arange(width, dtype=np.int64))
            take = min(n, count - got)
            out[got:got + take] = vals[:take]
            got += take
        else:
            n = h >> 1
            v = int.from_bytes(buf[t.pos:t.pos + nbytes], "little")
            t.pos += nbytes
            take = min(n, count - got)
            out[got:got + take] = v
            got += take
    if got < count:
        raise ValueError("Parquet levels ran short")
    return out, t.pos


_NUMPY = {1: "<i4", 2: "<i8", 4: "<f4", 5: "<f8"}


def _plain(buf, pos, ptype, n, type_length=None):
    if ptype in _NUMPY:
        dt = np.dtype(_NUMPY[ptype])
        return np.frombuffer(buf, dtype=dt, count=n, offset=pos)
    if ptype == 0:
        bits = np.unpackbits(np.frombuffer(buf, dtype=np.uint8, offset=pos,
                                           count=(n + 7) // 8), bitorder="little")
        return bits[:n].astype(bool)
    if ptype == 6:
        vals = []
        for _ in range(n):
            ln = struct.unpack_from("<i", buf, pos)[0]
            vals.append(bytes(buf[pos + 4:pos + 4 + ln]))
            pos += 4 + ln
        return vals
    if ptype == 7:
        return [bytes(buf[pos + i * type_length:pos + (i + 1) * type_length]) for i in range(n)]
    raise ValueError("Parquet physical type %d is not supported here; install pyarrow" % ptype)


def _bits(n):
    return int(n).bit_length()


# ---------------------------------------------------------------- file structure


def _leaves(schema):
    """(path, element, max_def, max_rep, def of the innermost repeated node) per leaf."""
    out, i = [], 1

    def walk(prefix, d, r, rep_def):
        nonlocal i
        el = schema[i]
        i += 1
        name = el[4].decode()
        rt = el.get(3, 0)
        d2 = d + (1 if rt != 0 else 0)
        r2 = r + (1 if rt == 2 else 0)
        rd = d2 if rt == 2 else rep_def
        kids = el.get(5, 0)
        if kids:
            for _ in range(kids):
                walk(prefix + [name], d2, r2, rd)
        else:
            out.append((prefix + [name], el, d2, r2, rd))

    for _ in range(schema[0].get(5, 0)):
        walk([], 0, 0, 0)
    return out


def _column(buf, meta, leaf):
    path, el, max_def, max_rep, rep_def = leaf
    ptype, codec, total = meta[1], meta[4], meta[5]
    pos = meta.get(11) or meta[9]  # the dictionary page, when there is one, comes first
    dictionary = None
    defs, reps, values = [], [], []
    seen = 0
    while seen < total:
        t = _Thrift(buf, pos)
        ph = t.struct()
        body = buf[t.pos:t.pos + ph[3]]
        pos = t.pos + ph[3]
        kind = ph[1]
        if kind == 2:  # dictionary page
            data = _decompress(codec, body)
            dictionary = _plain(data, 0, ptype, ph[7][1], el.get(2))
            continue
        if kind == 0:
            h = ph[5]
            n, enc = h[1], h[2]
            data = _decompress(codec, body)
            p = 0
            r = d = None
            if max_rep:
                ln = struct.unpack_from("<i", data, p)[0]
                r, _ = _hybrid(data, p + 4, p + 4 + ln, _bits(max_rep), n)
                p += 4 + ln
            if max_def:
                ln = struct.unpack_from("<i", data, p)[0]
                d, _ = _hybrid(data, p + 4, p + 4 + ln, _bits(max_def), n)
                p += 4 + ln
            vbuf = data
        elif kind == 3:
            h = ph[8]
            n, enc, rl, dl = h[1], h[4], h[6], h[5]
            lv = bytes(body[:rl + dl])
            r = _hybrid(lv, 0, rl, _bits(max_rep), n)[0] if max_rep else None
            d = _hybrid(lv, rl, rl + dl, _bits(max_def), n)[0] if max_def else None
            rest = body[rl + dl:]
            vbuf = _decompress(codec, rest) if h.get(7, True) else bytes(rest)
            p = 0
        else:
            continue
        present = n if d is None else int(np.count_nonzero(d == max_def))
        if enc == 0:
            v = _plain(vbuf, p, ptype, present, el.get(2))
        elif enc in (2, 8):
            width = vbuf[p]
            idx, _ = _hybrid(vbuf, p + 1, len(vbuf), width, present)
            v = (dictionary[idx] if isinstance(dictionary, np.ndarray)
                 else [dictionary[k] for k in idx])
        else:
            raise ValueError("Parquet encoding %d is not supported here; install pyarrow" % enc)
        defs.append(d if d is not None else np.full(n, max_def, dtype=np.int64))
        reps.append(r if r is not None else np.zeros(n, dtype=np.int64))
        values.append(np.asarray(v) if not isinstance(v, list) else v)
        seen += n
    if not defs:
        return []
    return _assemble(np.concatenate(defs), np.concatenate(reps), values, max_def, max_rep,
                     rep_def, el)


def _convert(vals, el):
    """BYTE_ARRAY columns annotated as strings (UTF8 / STRING) to str."""
    if el.get(1) == 6 and (el.get(6) == 0 or 1 in el.get(10, {})):
        return [v.decode("utf-8") for v in vals]
    return vals


def _assemble(d, r, values, max_def, max_rep, rep_def, el):
    """Rows from levels and values: scalars, or arrays (numpy for numbers, None for null)."""
    if max_rep > 1:
        raise ValueError("nested arrays are not supported here; install pyarrow")
    numeric = bool(values) and not isinstance(values[0], list)
    if numeric:
        flat = np.concatenate(values)
    else:
        flat = _convert([x for v in values for x in v], el)
    if max_rep == 0:
        if np.all(d == max_def):
            return list(flat)
        out, k = [], 0
        for x in d:
            out.append(flat[k] if x == max_def else None)
            k += x == max_def
        return out
    starts = np.flatnonzero(r == 0)
    rows = len(starts)
    if numeric and rows and np.all(d == max_def) and len(d) % rows == 0 \
            and np.array_equal(starts, np.arange(rows) * (len(d) // rows)):
        return list(flat.reshape(rows, -1))  # every row a full array of one length
    out, k, cur = [], 0, None
    for dl, rl in zip(d, r):
        if rl == 0:
            cur = None if dl < rep_def - 1 else []
            out.append(cur)
        if dl >= rep_def:
            cur.append(flat[k] if dl == max_def else None)
            k += dl == max_def
    if numeric:
        return [None if x is None else np.array(x, dtype=float) for x in out]
    return out


def _read_file(path):
    with open(path, "rb") as f:
        buf = f.read()
    if buf[:4] != b"PAR1" or buf[-4:] != b"PAR1":
        raise ValueError("%s is not a Parquet file" % path)
    n = struct.unpack_from("<i", buf, len(buf) - 8)[0]
    meta = _Thrift(buf, len(buf) - 8 - n).struct()
    leaves = _leaves(meta[2])
    cols = {}
    for rg in meta.get(4, []):
        for leaf, chunk in zip(leaves, rg[1]):
            cols.setdefault(leaf[0][0], []).extend(_column(buf, chunk[3], leaf))
    for leaf in leaves:
        cols.setdefault(leaf[0][0], [])
    return cols


def read_table(path, columns=None):
    """Columns of a Parquet file or of a directory of part files (as Spark writes), as lists."""
    try:
        import pyarrow.parquet as pq
        t = pq.read_table(path, columns=columns)
        return {c: [np.asarray(v) if isinstance(v, list) else v for v in t.column(c).to_pylist()]
                for c in t.column_names}
    except ImportError:
        pass
    if os.path.isdir(path):
        files = sorted(os.path.join(path, f) for f in os.listdir(path)
                       if f.endswith(".parquet") and not f.startswith((".", "_")))
    else:
        files = [path]
    if not files:
        raise ValueError("no Parquet files in %s" % path)
    out = {}
    for f in files:
        for c, v in _read_file(f).items():
            if columns is None or c in columns:
                out.setdefault(c, []).extend(v)
    return out
