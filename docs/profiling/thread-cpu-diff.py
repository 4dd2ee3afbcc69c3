import sys,re,collections
def rd(f):
    d={}
    for l in open(f):
        tid,t,name=l.rstrip('\n').split(' ',2); d[tid]=(int(t),name)
    return d
a,b,n=rd(sys.argv[1]),rd(sys.argv[2]),int(sys.argv[3])
g=collections.Counter()
for tid,(t,name) in b.items():
    d=t-a.get(tid,(0,name))[0]
    key=re.sub(r'[0-9]+','N',name)
    g[key]+=d
tot=sum(g.values())
print('  threads, ms CPU per 1000 events:', ', '.join(f"{k}={v*10*1000/n:.0f}" for k,v in g.most_common(12) if v>0))
