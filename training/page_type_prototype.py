#!/usr/bin/env python3
"""Prototype for issue 12: how well do shallow page features tell WCXB's seven page types apart?

    python3 -m venv /tmp/pt && /tmp/pt/bin/pip install lxml scikit-learn numpy
    /tmp/pt/bin/python training/page_type_prototype.py

Fits gradient-boosted trees on the tune split of training/wcxb/split.tsv (by site) and reports
the validate split per type. Not used by the binary: it measures which features carry the type
before the Rust classifier is built (BENCHMARKS.md, "WCXB dev by split").
"""
import os
import csv, gzip, json, re, collections
import numpy as np
from lxml import html as LH
from sklearn.ensemble import HistGradientBoostingClassifier as H
from sklearn.metrics import classification_report, accuracy_score
ROOT=os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
D=os.path.join(ROOT,'..','shared','datasets','wcxb-dev')
rows=list(csv.DictReader(open(os.path.join(ROOT,'training','wcxb','split.tsv')),delimiter='\t'))
LD=['article','newsarticle','blogposting','product','offer','qapage','question','discussionforumposting','faqpage','itemlist','collectionpage','breadcrumblist','softwareapplication','techarticle','webpage','organization','service','localbusiness','howto','recipe','event','searchresultspage','aggregaterating']
URLT=['blog','news','article','docs','doc','documentation','api','guide','reference','forum','forums','thread','t','questions','q','community','discussion','topic','product','products','p','shop','store','item','dp','category','categories','collections','collection','tag','search','list','services','service','solutions','pricing','about','features','20\\d\\d','wiki','help','support','learn','tutorial','reviews','best']
def feats(fid,url):
    raw=gzip.open('%s/html/%s.html.gz'%(D,fid)).read()
    try: t=LH.fromstring(raw)
    except Exception: return None
    f=[]
    cnt=lambda xp: len(t.xpath(xp))
    tags=['article','section','form','input','button','pre','code','table','tr','li','ul','a','img','h1','h2','h3','p','select','nav','aside','footer','time','blockquote','dl','iframe','video','textarea','label','figure']
    n={g:cnt('//'+g) for g in tags}
    tot=sum(n.values())+1
    for g in tags: f+= [np.log1p(n[g]), n[g]/tot]
    text=' '.join(t.xpath('//body//text()[not(ancestor::script) and not(ancestor::style)]'))
    words=len(text.split()); f.append(np.log1p(words))
    atext=' '.join(t.xpath('//a//text()')); f.append(len(atext.split())/(words+1))
    ptext=' '.join(t.xpath('//p//text()')); f.append(len(ptext.split())/(words+1))
    low=text.lower()
    for kw in ['add to cart','add to bag','in stock','price','$','€','£','reviews','reply','replies','posted','joined','votes','answer','answers','quote','report','permalink','code','example','install','npm','returns','parameters','filter','sort by','results','showing','load more','next','page','contact us','get started','free trial','book a','schedule','pricing','our services','testimonials','read more','min read','by ','comments','share']:
        f.append(np.log1p(low.count(kw)))
    ld=' '.join(t.xpath('//script[@type="application/ld+json"]/text()')).lower()
    for k in LD: f.append(float('"%s"'%k in ld.replace('"@type": ','').replace('"@type":','') or ('"@type":"%s"'%k) in ld.replace(' ','')))
    og=(t.xpath('//meta[@property="og:type"]/@content') or [''])[0].lower()
    for k in ['article','product','website','blog','profile','video']: f.append(float(og.startswith(k)))
    path=re.sub(r'^https?://[^/]+','',url.lower())
    segs=[s for s in re.split(r'[/?#=&._-]+',path) if s]
    for k in URLT: f.append(float(any(re.fullmatch(k,s) for s in segs)))
    f.append(len(segs)); f.append(float(path in ('','/')))
    # repeated sibling structure: max count of same-class siblings
    best=0
    for el in t.iter():
        cs=collections.Counter((c.tag,c.get('class')) for c in el if isinstance(c.tag,str))
        if cs: best=max(best,max(cs.values()))
    f.append(np.log1p(best))
    return f
X=[];y=[];sp=[]
for r in rows:
    url=json.load(open('%s/ground-truth/%s.json'%(D,r['file_id']))).get('url','')
    v=feats(r['file_id'],url)
    if v is None: continue
    X.append(v);y.append(r['page_type']);sp.append(r['split'])
X=np.array(X,dtype=np.float32);y=np.array(y);sp=np.array(sp)
tr=sp=='tune';va=~tr
m=H(max_depth=4,max_iter=200,learning_rate=0.08,random_state=0,class_weight='balanced').fit(X[tr],y[tr])
p=m.predict(X[va])
print('validate accuracy %.3f'%accuracy_score(y[va],p))
print(classification_report(y[va],p,digits=3))
pr=m.predict_proba(X[va]); conf=pr.max(1); best=m.classes_[pr.argmax(1)]
for c in (0.5,0.7,0.9):
    s=conf>=c
    print('confidence >= %.1f: %.0f %% of pages, accuracy %.3f'%(c,100*s.mean(),(best[s]==y[va][s]).mean()))
