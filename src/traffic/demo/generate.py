"""Writes the demo estate's access-log and CloudTrail files (deterministic: same seed, same
files). Run from anywhere: python3 generate.py"""
import random, json, gzip, os
random.seed(20240125)
OUT=os.path.dirname(os.path.abspath(__file__))
os.makedirs(OUT+'/access-logs', exist_ok=True)
os.makedirs(OUT+'/cloudtrail', exist_ok=True)
OWNER={'111122223333':'4f3c8e2a1b7d9f05c6e4a3b2d1f0e9c8b7a6d5e4f3c2b1a0f9e8d7c6b5a4f3e2',
       '777788889999':'9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b'}
MON=['Jan','Feb','Mar','Apr','May','Jun','Jul','Aug','Sep','Oct','Nov','Dec']
import datetime
START=datetime.datetime(2024,1,22,0,0,0)
def t(day, sec):
    return START+datetime.timedelta(days=day, seconds=sec)
def altime(d): return '[%02d/%s/%04d:%02d:%02d:%02d +0000]'%(d.day,MON[d.month-1],d.year,d.hour,d.minute,d.second)
def rid(): return ''.join(random.choice('0123456789ABCDEF') for _ in range(16))
def hostid(): return ''.join(random.choice('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/') for _ in range(76))+'='
JDBC='APN/1.0 Simba/1.0 AthenaJDBC/2.1.5.1000 aws-sdk-java/1.12.529 Linux/5.15.0-1051-aws OpenJDK_64-Bit_Server_VM/17.0.9+9-LTS java/17.0.9 vendor/Eclipse_Adoptium'
ODBC='APN/1.0 Simba/1.0 Athena ODBC Driver/1.1.19.1002 aws-sdk-cpp/1.9.220 Windows/10.0.19044 AMD64 MSVC/1929'
JAVA7='aws-sdk-java/1.11.98 Linux/3.10.0-1160.el7.x86_64 Java_HotSpot(TM)_64-Bit_Server_VM/24.80-b11/1.7.0_80'
CURL='curl/7.29.0'
PYBOTO='Boto3/1.34.23 md/Botocore#1.34.23 ua/2.0 os/linux#5.15.0 md/arch#x86_64 lang/python#3.11.7 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.23'
SPARK='aws-sdk-java/1.12.262 Linux/5.10.201-191.748.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.9+8-LTS java/17.0.9 scala/2.12.15 vendor/Amazon.com_Inc. cfg/retry-mode/standard'
lines={}
def al(account, bucket, region, d, ip, requester, op, key, status, ua, tls, err='-', size=None, method=None):
    owner=OWNER[account]
    method = method or op.split('.')[1]
    uri = '"%s /%s%s HTTP/1.1"'%(method, bucket if False else '', key if key!='-' else '')
    uri = '"%s /%s HTTP/1.1"'%(method, key if key!='-' else '?list-type=2')
    sent = '-' if (status>=300 and status!=304) or method=='PUT' else str(size or random.randint(800,2_000_000))
    obj = str(size or random.randint(800,2_000_000)) if op.endswith('OBJECT') else '-'
    total=str(random.randint(5,300)); turn=str(random.randint(2,60)) if status<300 else '-'
    cipher = 'ECDHE-RSA-AES128-GCM-SHA256' if tls and tls!='TLSv1.3' else ('TLS_AES_128_GCM_SHA256' if tls=='TLSv1.3' else '-')
    if tls=='TLSv1': cipher='ECDHE-RSA-AES128-SHA'
    host='%s.s3.%s.amazonaws.com'%(bucket,region) if region!='us-east-1' else '%s.s3.amazonaws.com'%bucket
    line=' '.join([owner,bucket,altime(d),ip,requester,rid(),op,key,uri,str(status),err,sent,obj,total,turn,'"-"','"%s"'%ua,'-',hostid(),'SigV4',cipher,'AuthHeader',host,tls or '-','-','-' ,'-'])
    lines.setdefault((account,bucket),[]).append((d,line))

A='111122223333'; S='777788889999'
ETL='arn:aws:iam::111122223333:user/legacy-etl'
TABLEAU='arn:aws:sts::111122223333:assumed-role/bi-reporting/tableau-svc'
ANALYST='arn:aws:sts::111122223333:assumed-role/analyst/priya.natarajan'
INGEST='arn:aws:sts::111122223333:assumed-role/clickstream-ingest/i-0f3a9c2e7b1d4a6c8'
SBX='arn:aws:sts::777788889999:assumed-role/sandbox-developer/jonas.weber'
# 1. clickstream-landing-use1 (not enforced): 37 plain-HTTP GETs accepted from 203.0.113.9; TLS ingest via the VPC
for i in range(37):
    d=t(random.randint(0,6), random.randint(0,86399))
    al(A,'clickstream-landing-use1','us-east-1',d,'203.0.113.9',ETL,'REST.GET.OBJECT','events/2024/01/%02d/part-%05d.json.gz'%(d.day,random.randint(0,999)),200,CURL,None)
for i in range(2):
    d=t(random.randint(0,6), random.randint(0,86399))
    al(A,'clickstream-landing-use1','us-east-1',d,'203.0.113.9',ETL,'REST.GET.OBJECT','events/2024/01/%02d/part-%05d.json.gz'%(d.day,random.randint(1000,1999)),404,CURL,None,err='NoSuchKey')
for i in range(64):
    d=t(random.randint(0,6), random.randint(0,86399))
    al(A,'clickstream-landing-use1','us-east-1',d,'10.20.%d.%d'%(random.randint(1,3),random.randint(10,200)) if False else '10.20.2.41',INGEST,'REST.PUT.OBJECT','events/2024/01/%02d/part-%05d.json.gz'%(d.day,random.randint(0,999)),200,PYBOTO,'TLSv1.3')
# 2. athena-results-analytics-prod-use1 (enforced): 12 plain-HTTP GETs denied from the BI server; JDBC result downloads over TLS; Athena writes
for i in range(12):
    d=t(random.randint(0,6), random.randint(0,86399))
    al(A,'athena-results-analytics-prod-use1','us-east-1',d,'198.51.100.23',TABLEAU,'REST.GET.OBJECT','primary/%08x-%04x.csv'%(random.getrandbits(32),random.getrandbits(16)),403,CURL,None,err='AccessDenied')
for i in range(48):
    d=t(random.randint(0,6), random.randint(0,86399))
    al(A,'athena-results-analytics-prod-use1','us-east-1',d,'10.20.4.17',TABLEAU,'REST.GET.OBJECT','primary/%08x-%04x.csv'%(random.getrandbits(32),random.getrandbits(16)),200,JDBC,'TLSv1.2')
for i in range(40):
    d=t(random.randint(0,6), random.randint(0,86399))
    al(A,'athena-results-analytics-prod-use1','us-east-1',d,'athena.amazonaws.com',ANALYST,'REST.PUT.OBJECT','primary/%08x-%04x.csv'%(random.getrandbits(32),random.getrandbits(16)),200,'athena.amazonaws.com','TLSv1.2')
# 3. legacy-reports-archive-use1 (not enforced): a Java 7 client over TLS 1.0
for i in range(9):
    d=t(random.randint(0,6), random.randint(0,86399))
    al(A,'legacy-reports-archive-use1','us-east-1',d,'192.0.2.44','arn:aws:iam::111122223333:user/reports-batch','REST.GET.OBJECT','monthly/2023-%02d/summary.pdf'%random.randint(1,12),200,JAVA7,'TLSv1')
# 4. athena-results-sandbox-use1 (not enforced): ODBC downloads over plain HTTP, accepted
for i in range(5):
    d=t(random.randint(0,6), random.randint(0,86399))
    al(S,'athena-results-sandbox-use1','us-east-1',d,'198.51.100.77',SBX,'REST.GET.OBJECT','%08x-%04x.csv'%(random.getrandbits(32),random.getrandbits(16)),200,ODBC,None)
for i in range(14):
    d=t(random.randint(0,6), random.randint(0,86399))
    al(S,'athena-results-sandbox-use1','us-east-1',d,'athena.amazonaws.com',SBX,'REST.PUT.OBJECT','%08x-%04x.csv'%(random.getrandbits(32),random.getrandbits(16)),200,'athena.amazonaws.com','TLSv1.2')
TARGET={'111122223333':'s3-access-logs-analytics-prod-use1','777788889999':'sandbox-s3-access-logs-use1'}
for (account,bucket),ls in sorted(lines.items()):
    ls.sort()
    d=ls[0][0]
    name='%04d-%02d-%02d-%02d-%02d-%02d-%s'%(d.year,d.month,d.day,d.hour,d.minute,d.second,rid())
    folder=OUT+'/access-logs/%s/%s'%(TARGET[account],bucket)
    os.makedirs(folder, exist_ok=True)
    open(folder+'/'+name,'w').write(''.join(l+'\n' for _,l in ls))

# CloudTrail
import uuid
def eid(): return str(uuid.UUID(int=random.getrandbits(128)))
events={}
def ct(account, region, d, source, name, ip, ua, arn, tls, vpce=None, invoked=None, err=None, kind='AssumedRole'):
    ui={'type':kind,'arn':arn,'accountId':account}
    if kind=='AssumedRole':
        ui['principalId']='AROA'+''.join(random.choice('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567') for _ in range(17))+':'+arn.split('/')[-1]
    if kind=='IAMUser': ui['principalId']='AIDA'+''.join(random.choice('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567') for _ in range(17)); ui['userName']=arn.split('/')[-1]
    if invoked: ui['invokedBy']=invoked
    e={'eventVersion':'1.09','userIdentity':ui,'eventTime':d.strftime('%Y-%m-%dT%H:%M:%SZ'),'eventSource':source,'eventName':name,'awsRegion':region,'sourceIPAddress':ip,'userAgent':ua,
       'requestParameters':{} ,'responseElements':None,'requestID':str(uuid.UUID(int=random.getrandbits(128))),'eventID':eid(),'readOnly':name.startswith(('Get','List','Describe','Decrypt')),'eventType':'AwsApiCall','managementEvent':True,'recipientAccountId':account,'eventCategory':'Management'}
    if err: e['errorCode']=err; e['errorMessage']='User is not authorized to perform this action'
    if tls: e['tlsDetails']={'tlsVersion':tls,'cipherSuite':'TLS_AES_128_GCM_SHA256' if tls=='TLSv1.3' else ('ECDHE-RSA-AES128-SHA' if tls=='TLSv1' else 'ECDHE-RSA-AES128-GCM-SHA256'),'clientProvidedHostHeader':'%s.%s.amazonaws.com'%(source.split('.')[0],region) if not vpce else '%s.%s.amazonaws.com'%(source.split('.')[0],region)}
    if vpce: e['vpcEndpointId']=vpce
    if name=='StartQueryExecution': e['requestParameters']={'queryString':'SELECT ...','workGroup':'primary'}
    events.setdefault((account,region),[]).append(e)
ATHENA_VPCE='vpce-04a1c3e5f7b9d1a3c'
for i in range(60):
    d=t(random.randint(0,6), random.randint(28800,64800))
    for n in ['StartQueryExecution','GetQueryExecution','GetQueryResults']:
        ct(A,'us-east-1',d+datetime.timedelta(seconds=['StartQueryExecution','GetQueryExecution','GetQueryResults'].index(n)*3),'athena.amazonaws.com',n,'10.20.4.17',JDBC,TABLEAU,'TLSv1.3',vpce=ATHENA_VPCE)
    ct(A,'us-east-1',d+datetime.timedelta(seconds=1),'glue.amazonaws.com','GetTable','athena.amazonaws.com','athena.amazonaws.com',TABLEAU,None,invoked='athena.amazonaws.com')
for i in range(18):
    d=t(random.randint(0,6), random.randint(28800,64800))
    for k,n in enumerate(['StartQueryExecution','GetQueryExecution','GetQueryResults']):
        ct(A,'us-east-1',d+datetime.timedelta(seconds=k*4),'athena.amazonaws.com',n,'198.51.100.23',ODBC,'arn:aws:sts::111122223333:assumed-role/finance-analyst/marta.silva','TLSv1.2')
for i in range(7):
    d=t(random.randint(0,6), random.randint(0,86399))
    ct(A,'us-east-1',d,'athena.amazonaws.com','StartQueryExecution','192.0.2.44',JAVA7,'arn:aws:iam::111122223333:user/reports-batch','TLSv1',kind='IAMUser')
    ct(A,'us-east-1',d+datetime.timedelta(seconds=2),'kms.amazonaws.com','Decrypt','athena.amazonaws.com','athena.amazonaws.com','arn:aws:iam::111122223333:user/reports-batch',None,invoked='athena.amazonaws.com',kind='IAMUser')
for i in range(10):
    d=t(random.randint(0,6), random.randint(0,86399))
    ct(A,'us-east-1',d,'sts.amazonaws.com','AssumeRole','10.20.4.17','aws-sdk-java/1.12.529 Linux/5.15.0-1051-aws OpenJDK_64-Bit_Server_VM/17.0.9+9-LTS java/17.0.9','arn:aws:iam::111122223333:user/tableau-bootstrap','TLSv1.3',vpce='vpce-0d8e1a3c5e7b9d2f4',kind='IAMUser')
for i in range(3):
    d=t(random.randint(0,6), random.randint(0,86399))
    ct(A,'us-east-1',d,'athena.amazonaws.com','GetQueryResults','198.51.100.23',ODBC,'arn:aws:sts::111122223333:assumed-role/finance-analyst/marta.silva','TLSv1.2',err='AccessDenied')
for i in range(20):
    d=t(random.randint(0,6), random.randint(0,86399))
    for k,n in enumerate(['StartQueryExecution','GetQueryExecution','GetQueryResults']):
        ct(S,'us-east-1',d+datetime.timedelta(seconds=k*5),'athena.amazonaws.com',n,'198.51.100.77',ODBC,SBX,'TLSv1.2')
for i in range(12):
    d=t(random.randint(0,6), random.randint(28800,64800))
    for k,n in enumerate(['StartQueryExecution','GetQueryExecution','GetQueryResults']):
        ct(A,'eu-west-1',d+datetime.timedelta(seconds=k*3),'athena.amazonaws.com',n,'quicksight.amazonaws.com','quicksight.amazonaws.com','arn:aws:sts::111122223333:assumed-role/aws-quicksight-service-role-v0/QuickSight-bi-dashboards','TLSv1.2',invoked='quicksight.amazonaws.com')
for (account,region),es in sorted(events.items()):
    es.sort(key=lambda e:e['eventTime'])
    day=datetime.date.fromisoformat(es[0]['eventTime'][:10])
    stamp=es[0]['eventTime'].replace('-','').replace(':','')[:13]+'Z'
    tag=rid()
    path=OUT+'/cloudtrail/AWSLogs/%s/CloudTrail/%s/%04d/%02d/%02d'%(account,region,day.year,day.month,day.day)
    os.makedirs(path, exist_ok=True)
    body=json.dumps({'Records':es},separators=(',',':')).encode()
    name='%s_CloudTrail_%s_%s_%s.json.gz'%(account,region,stamp,tag)
    with open(os.path.join(path,name),'wb') as f:
        f.write(gzip.compress(body, mtime=0))
