#!/usr/bin/env python3
# Writes the malformed-input corpus (see README.md). Run from tests/malformed/: python3 make-corpus.py
# The files it writes are committed; editing them by hand is fine too.
import os
base = '''(
    version: 2,
    title: "Malformed corpus base",
    as_of: "2024-01-01",
    parties: [
        (id: "microsoft", kind: microsoft, name: "Microsoft", organization: "microsoft", tenant: "microsoft", tenant_type: csp),
        (
            id: "fabrikam",
            kind: direct_bill,
            name: "Fabrikam",
            country: "US",
            organization: "fabrikam",
            tenant: "fabrikam",
            tenant_type: csp,
            mpa_signed: "2019-10-01",
            position: (x: 10.0, y: 150.0),
        ),
    ],
    links: [
        (id: "supply-fabrikam", kind: supply, from: "microsoft", to: "fabrikam", date: "2020-03-01"),
    ],
)
'''
def w(path, data, expect):
    mode = 'wb' if isinstance(data, bytes) else 'w'
    with open(path, mode) as f:
        f.write(data)
    with open(path + '.expect', 'w') as f:
        f.write(expect.rstrip('\n') + '\n')

S = 'saves/'
w(S+'bom.ron', '\ufeff' + base, 'loads')
w(S+'utf16le-bom.ron', b'\xff\xfe' + base.encode('utf-16-le'), 'loads')
w(S+'latin1.ron', base.replace('"Fabrikam"', '"Fabrik\u00e4m"', 1).encode('latin-1'), 'latin1.ron:10:26: not valid UTF-8: byte 317 (0xE4)\nsave it as UTF-8')
w(S+'utf16-lone-surrogate.ron', b'\xff\xfe' + base[:40].encode('utf-16-le') + b'\x00\xd8' + base[40:].encode('utf-16-le'), 'not valid UTF-16LE\nsave it as UTF-8')
w(S+'utf16-no-bom.ron', base.encode('utf-16-le'), 'looks like UTF-16 without a byte order mark\nsave it as UTF-8')
w(S+'empty.ron', '', 'the file is empty, so it is not a csp-explorer save')
w(S+'not-a-save.ron', 'id,kind,name\nms,microsoft,Microsoft\n', 'this is not a csp-explorer save\ncsp-explorer import')
w(S+'cut-off.ron', base[:base.index('links:')], 'the file ends here, too early (was it cut off?)')
w(S+'version-newer.ron', base.replace('version: 2,', 'version: 99,\n    colour_scheme: "teal",'), 'save format version 99 was written by a newer csp-explorer\nupdate csp-explorer to open it')
w(S+'version-negative.ron', base.replace('version: 2,', 'version: -1,'), 'save format version -1 is not a version csp-explorer has written')
w(S+'date-far-past.ron', base.replace('date: "2020-03-01"', 'date: "-262143-01-01"'), ':20: link `supply-fabrikam`: field `date`: -262143-01-01 is out of range: expected a date written YYYY-MM-DD from 1990-01-01 to 2100-12-31')
w(S+'date-far-future.ron', base.replace('date: "2020-03-01"', 'date: "+300000-01-01"'), ':20:89: field `date`: "+300000-01-01" is not a date: expected a date written YYYY-MM-DD from 1990-01-01 to 2100-12-31')
w(S+'date-month-13.ron', base.replace('mpa_signed: "2019-10-01"', 'mpa_signed: "2019-13-01"'), ':15:\nfield `mpa_signed`: "2019-13-01" is not a date: expected a date written YYYY-MM-DD')
w(S+'date-before-range.ron', base.replace('as_of: "2024-01-01"', 'as_of: "1989-12-31"'), ':4: the scenario: field `as_of`: 1989-12-31 is out of range')
w(S+'date-german.ron', base.replace('mpa_signed: "2019-10-01"', 'mpa_signed: "01.10.2019"'), 'field `mpa_signed`: "01.10.2019" is not a date: expected a date written YYYY-MM-DD')
w(S+'position-nan.ron', base.replace('position: (x: 10.0, y: 150.0)', 'position: (x: NaN, y: 150.0)'), ':16: party `fabrikam`: field `position`: (NaN, 150) is not a place on the canvas')
w(S+'position-inf.ron', base.replace('position: (x: 10.0, y: 150.0)', 'position: (x: 10.0, y: -inf)'), 'field `position`: (10, -inf) is not a place on the canvas')
w(S+'position-huge.ron', base.replace('position: (x: 10.0, y: 150.0)', 'position: (x: 1e30, y: 0.0)'), 'field `position`\nx and y must be numbers from -1e7 to 1e7')
w(S+'name-long.ron', base.replace('name: "Fabrikam"', 'name: "' + 'F' * 100000 + '"'), ':10: party `fabrikam`: field `name`: is 100000 characters long; at most 200 are allowed')
w(S+'name-control.ron', base.replace('name: "Fabrikam"', 'name: "Fabri\\u{7}kam"'), 'field `name`: has a control character (U+0007) at character 6; remove it')
w(S+'title-long.ron', base.replace('"Malformed corpus base"', '"' + 'T' * 501 + '"'), ':3: the scenario: field `title`: is 501 characters long; at most 500 are allowed')
w(S+'duplicate-id.ron', base.replace('id: "fabrikam"', 'id: "microsoft"').replace('kind: direct_bill', 'kind: customer'), 'a party with id `microsoft` already exists')
w(S+'unknown-field.ron', base.replace('tenant_type: csp,\n            mpa', 'tenant_type: csp,\n            colour: "red",\n            mpa'), ':15:\ncolour')
w(S+'id-long.ron', base.replace('id: "fabrikam"', 'id: "' + 'f' * 300 + '"'), ':8: `ffff\nis not a valid id: use up to 200 letters, digits')
w(S+'link-to-long.ron', base.replace('to: "fabrikam"', 'to: "' + 'f' * 300 + '"'), ':20: link `supply-fabrikam`: field `to`: is 300 characters long; at most 200 are allowed')
w(S+'number-huge.ron', base.replace('date: "2020-03-01")', 'date: "2020-03-01", duration_days: 99999999999)'), ':20:\nfield `duration_days`: `99999999999` is not a whole number of days from 0 to 4294967295')
def varint(n):
    out = b''
    while True:
        b = n & 0x7f
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])
def text(t):
    return varint(len(t)) + t.encode()
# A .cspx header announcing 300 million parties over a few bytes (the count bomb, without its
# 300 MB of padding).
w(S+'count-bomb.cspx', b'CSPX' + (1).to_bytes(4, 'little') + varint(2) + text('bomb') + text('') + b'\x00' + varint(300_000_000) + varint(0) + bytes(64), 'the header announces 300,000,000 parties; csp-explorer opens at most 1,000,000')

L = 'lessons/'
lesson = open('../../assets/lessons/01-direct-bill.ron').read()
w(L+'bom.ron', '\ufeff' + lesson, 'loads')
w(L+'version-newer.ron', lesson.replace('version: 1,', 'version: 2,\n    narrator: "Ada",'), 'lesson format version 2 was written by a newer csp-explorer\nupdate csp-explorer')
w(L+'version-negative.ron', lesson.replace('version: 1,', 'version: -1,'), 'lesson format version -1 is not a version csp-explorer has written')
for name, target in [('absolute-path', '/etc/passwd'), ('parent-folder', '../saves/bom.ron'), ('device', '/dev/zero'), ('subfolder', 'sub/channel.ron')]:
    w(L+name+'.ron', lesson.replace('"partner-types-direct-bill"', '"' + target + '"'), ':6:\nfield `scenario`\nnor a plain file name; a lesson\'s scenario file must sit beside the lesson')
w(L+'missing-file.ron', lesson.replace('"partner-types-direct-bill"', '"no-such-channel.ron"'), 'field `scenario`: `no-such-channel.ron` is neither a built-in scenario nor a readable save\ncannot read the file')
w(L+'bad-date.ron', lesson.replace('date: "2020-02-01"', 'date: "2020-02-30"'), 'field `date`: "2020-02-30" is not a date: expected a date written YYYY-MM-DD')
w(L+'latin1.ron', lesson.replace('Partner types: the direct-bill partner', 'Partnertypen: der Direktvertriebsp\u00e4rtner').encode('latin-1', errors='replace'), 'not valid UTF-8\nsave it as UTF-8')
w(L+'title-control.ron', lesson.replace('Partner types: the direct-bill partner', 'Partner types:\\u{1b}[31m red'), ':4:\nfield `title`: has a control character (U+001B)')

I = 'imports/'
w(I+'extra-cells.csv', 'id,kind,name,country\nms,microsoft,Microsoft,\nfab,customer,Fabrikam, Inc,US\n', ':3:5: this row has 5 cells but the header has 4 columns; the extra cell(s) "US" belong to no column (a value holding a `,` must be in double quotes)')
w(I+'bom-then-latin1.csv', b'\xef\xbb\xbfid,kind,name,country\nms,microsoft,Microsoft,\nfab,customer,Fabrik\xe4m,US\n', ':3:20: not valid UTF-8: byte 67 (0xE4)\nsave it as UTF-8')
w(I+'utf16-broken.csv', b'\xff\xfe' + 'id,kind,name,country\nms,microsoft,Microsoft,\n'.encode('utf-16-le') + b'\x00\xdc', ':3:1: not valid UTF-16LE\nsave it as UTF-8')
w(I+'name-long.csv', 'id,kind,name,country\nms,microsoft,Microsoft,\nfab,customer,' + 'F' * 1000 + ',US\n', ':3:3: `name` is 1000 characters long; at most 200 are allowed')
w(I+'name-control.csv', 'id,kind,name,country\nms,microsoft,Microsoft,\nfab,customer,"Fab\x07rikam",US\n', ':3:3: `name` has a control character (U+0007)')
w(I+'valid.csv', 'id,kind,name,country,mpa_signed\nms,microsoft,Microsoft,,\nfab,direct_bill,Fabrikam,US,2019-10-01\n', 'loads')
w(I+'date-out-of-range.csv', 'id,kind,name,country,mpa_signed\nms,microsoft,Microsoft,,\nfab,direct_bill,Fabrikam,US,01.01.1989\n', ':3:5: `mpa_signed` "01.01.1989" is out of range: expected a date from 1990-01-01 to 2100-12-31')
w(I+'broken.json', '{\n  "totalCount": 1,\n  "items": [\n    { "id": "0a1b" },,\n  ]\n}\n', ':4:22: not valid JSON')
long = 'L' * 300
w(I+'customers-long-name.json', '{\n  "totalCount": 1,\n  "items": [\n    {\n      "id": "0a1b2c3d-0000-4000-8000-00000000000f",\n      "companyProfile": { "companyName": "' + long + '" },\n      "attributes": { "objectType": "Customer" }\n    }\n  ],\n  "attributes": { "objectType": "Collection" }\n}\n', ':5:13: the company name is 300 characters long; at most 200 are allowed')

# An .xlsb whose sheet's dimension record is cut to one byte: calamine slices 16 bytes out of it
# and panics. Caught, it is a workbook that cannot be read; its panic message must not reach the
# terminal either (the runner fails on "panicked" in standard error).
import io, struct, zipfile
def xlsb_record(kind, body):
    out = bytes([kind]) if kind < 0x80 else bytes([(kind & 0x7f) | 0x80, kind >> 7])
    n = len(body)
    while True:
        b = n & 0x7f
        n >>= 7
        if n == 0:
            out += bytes([b])
            break
        out += bytes([b | 0x80])
    return out + body
def wide(text):
    return struct.pack('<I', len(text)) + text.encode('utf-16-le')
book = xlsb_record(0x9C, struct.pack('<II', 0, 1) + wide('rId1') + wide('Sheet1')) + xlsb_record(0x90, b'') + xlsb_record(0x9D, b'')
sheet = xlsb_record(0x94, b'\0') + xlsb_record(0x91, b'') + xlsb_record(0x00, struct.pack('<I', 0)) + xlsb_record(0x06, struct.pack('<II', 0, 0) + wide('id')) + xlsb_record(0x92, b'')
buf = io.BytesIO()
with zipfile.ZipFile(buf, 'w', zipfile.ZIP_STORED) as z:
    for name, data in [('xl/_rels/workbook.bin.rels', b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Target="worksheets/sheet1.bin"/></Relationships>'), ('xl/workbook.bin', book), ('xl/worksheets/sheet1.bin', sheet)]:
        info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
        z.writestr(info, data)
w(I+'damaged.xlsb', buf.getvalue(), 'an Excel workbook that cannot be read\ndamaged or protected with a password')
