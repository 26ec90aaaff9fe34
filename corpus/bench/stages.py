#!/usr/bin/env python3
"""Groups an async-profiler collapsed profile of a scan by stage (corpus/bench/README.md, Profiling).

  python3 corpus/bench/stages.py scan.col [THREAD_PREFIX]     (default: [tokensweep-scan)
  python3 corpus/bench/stages.py --threads scan.col

Each stack counts for the deepest frame (from the leaf up) that names a stage; a stack through
SecretDigest counts as the memos' digests, one through Fingerprinter as the fingerprint.

--threads sums the CPU of each group of threads instead (the scan threads, the JIT's C2 and C1
threads, GC and the VM thread, main, the rule loader): what a second scan thread competes with on
a two-core machine. Profiled with async-profiler's `ann` option as well, it also splits the scan
threads' CPU by the code they ran: C2-compiled, C1-compiled, or interpreted (warm-up).
"""
import sys, re, collections

def thread_groups(path):
    groups = collections.Counter(); code = collections.Counter()
    for line in open(path):
        stack, n = line.rstrip().rsplit(' ', 1); n = int(n)
        frames = stack.split(';')
        t = frames[0]
        g = ('scan threads' if t.startswith('[tokensweep-scan') else 'JIT C2' if t.startswith('[C2 Compiler')
             else 'JIT C1' if t.startswith('[C1 Compiler') else 'GC and VM thread' if 'GC' in t or t.startswith('[VM Thread')
             else 'main' if t.startswith('[main') else 'rule loading' if t.startswith('[tokensweep-rules') else 'other')
        groups[g] += n
        if g == 'scan threads':
            # async-profiler's `ann` suffixes: _[j] C2-compiled, _[1] C1-compiled, _[0] interpreted
            # (a native method's own frame too), _[i] inlined into the compiled frame above it
            java = [k for k, f in enumerate(frames) if f.endswith(('_[j]', '_[0]', '_[1]', '_[i]'))]
            if java:
                # the innermost Java frame that is not inlined says which code ran
                own = next((k for k in reversed(java) if not frames[k].endswith('_[i]')), java[-1])
                kind = {'_[j]': 'C2-compiled', '_[1]': 'C1-compiled', '_[0]': 'interpreted'}[frames[own][-4:]]
                if kind == 'interpreted' and any(f.endswith('_[k]') for f in frames[own + 1:]):
                    kind = 'native method, in the kernel' # FileDispatcherImpl.read0's read(2)
                code[kind] += n
    for k, v in groups.most_common():
        print(f"{v:6d} ms  {k}")
    print(f"{sum(groups.values()):6d} ms  process total")
    if code:
        print("scan threads by code:")
        for k, v in code.most_common():
            print(f"{v:6d} ms  {k}")

if sys.argv[1] == '--threads':
    thread_groups(sys.argv[2]); sys.exit(0)
# deepest frame (walking from the leaf up) that names a stage
S = [
 ('re2j', r'com/google/re2j/'),
 ('window DFAs', r'WindowFilter'),
 ('fixed shapes', r'FixedShape'),
 ('placeholders', r'Placeholders'),
 ('entropy', r'Entropy\.'),
 ('jwt', r'/Jwt[.$]'),
 ('validators', r'Validators\.'),
 ('fingerprint', r'Fingerprinter'),
 ('memo', r'DigestMemo|EvidenceCache'),
 ('redaction', r'Redaction'),
 ('evidence other', r'Evidence\.of'),
 ('reachable', r'Scratch\.reachable'),
 ('window cache', r'WindowCache'),
 ('keyword walk', r'Prefilter\.walk'),
 ('detector other', r'Prefilter\.|KeywordDetector|detectors/Detector'),
 ('report', r'report/|ReportSink|jackson/databind|FindingTally'),
 ('findings (scanner)', r'pipeline/(LeafSink|FindingSettler|ScanContext|Collector|FindingOrder)|InlineAllow|ChunkLocator|Location'),
 ('decoding pass', r'scanner/decode/|ByteScan'),
 ('JSON reading', r'read/(Json|LineFeeder|KeywordStems|RequiredLiterals)'),
 ('reading', r'TextReader|FileChannel|read0|FileDispatcher'),
]
tot=collections.Counter(); n_all=0
for line in open(sys.argv[1]):
    if not line.startswith(sys.argv[2] if len(sys.argv)>2 else '[tokensweep-scan'): continue
    stack, n = line.rstrip().rsplit(' ',1); n=int(n)
    frames = stack.split(';')
    st='other'
    if 'SecretDigest' in stack:
        tot['memo digests (SHA-256)']+=n; n_all+=n; continue
    if 'Fingerprinter' in stack:
        tot['fingerprint']+=n; n_all+=n; continue
    for f in reversed(frames):
        for name, pat in S:
            if re.search(pat, f): st=name; break
        else: continue
        break
    tot[st]+=n; n_all+=n
for k,v in tot.most_common(): print(f"{v:6d} ms  {k}")
print(f"{n_all:6d} ms  scan thread total")
