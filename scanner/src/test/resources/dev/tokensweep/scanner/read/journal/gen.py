import random, zlib, struct, sys
A="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
rnd=random.Random(int(sys.argv[1]))
def b62(n):
    s=""
    while n: n,r=divmod(n,62); s=A[r]+s
    return s.rjust(6,"0")
def gh(prefix):
    body="".join(rnd.choice(A) for _ in range(30))
    return prefix+body+b62(zlib.crc32(body.encode()))
toks={k:gh(k) for k in ["ghp_","gho_","ghu_","ghs_"]}
out=open(sys.argv[2],"wb")
ts=1785000000000000
def entry(fields):
    global ts
    ts+=1000000
    out.write(b"__CURSOR=s=0;i=1\n")
    out.write(b"__REALTIME_TIMESTAMP=%d\n"%ts)
    out.write(b"__MONOTONIC_TIMESTAMP=%d\n"%(ts-1784000000000000))
    out.write(b"_BOOT_ID=0123456789abcdef0123456789abcdef\n")
    for k,v in fields:
        v=v.encode() if isinstance(v,str) else v
        if b"\n" in v or any(c<32 for c in v):
            out.write(k.encode()+b"\n"+struct.pack("<Q",len(v))+v+b"\n")
        else:
            out.write(k.encode()+b"="+v+b"\n")
    out.write(b"\n")
filler=" ".join("lorem%d"%i for i in range(150))
entry([("MESSAGE","service started"),("_HOSTNAME","ws-01"),("SYSLOG_IDENTIFIER","app"),("PRIORITY","6")])
entry([("MESSAGE","request failed: "+filler+" token="+toks["ghp_"]+" "+filler),("_HOSTNAME","ws-01"),("SYSLOG_IDENTIFIER","app"),("PRIORITY","3")])
entry([("MESSAGE","git push"),("_CMDLINE","git push https://x-access-token:"+toks["gho_"]+"@github.com/acme/infra.git"),("_HOSTNAME","ws-01"),("SYSLOG_IDENTIFIER","git")])
env="PATH=/usr/bin\nHOME=/home/alice\nGH_TOKEN="+toks["ghu_"]+"\n"+"\n".join("VAR%d=%s"%(i,"v"*20) for i in range(40))+"\n"
entry([("MESSAGE","Process 4242 (deploy) of user 1000 dumped core."),("COREDUMP_ENVIRON",env),("_HOSTNAME","ws-01"),("SYSLOG_IDENTIFIER","systemd-coredump")])
entry([("MESSAGE","service started"),("_HOSTNAME","ws-01"),("SYSLOG_IDENTIFIER","app"),("PRIORITY","6")])
out.close()
for k,v in toks.items(): print(k, v)
