//! Owns: the import's end-to-end tests (CSV files, workbooks, locales, encodings, binary files).
//! Must not: test one parser alone (those tests sit beside their parser).
//!
//! The project CSV import end to end: recognising files, reading spreadsheets as people save them,
//! and reporting every problem once.

use super::*;
use crate::model::{PartyKind, TenantType};

const PARTIES: &str = "\
id,kind,name,country,mpa_signed,onboarded,enrolled,mca_accepted
ms,microsoft,Microsoft,,,,,
dist,indirect_provider,Adatum,US,2019-06-01,,,
res,indirect_reseller,Contoso,us,2019-06-01,true,yes,
c,customer,Northwind,US,,,,2020-01-01
";
const LINKS: &str = "\
kind,id,from,to,date,via,roles,duration_days,auto_extend
supply,s,ms,dist,2021-01-01,,,,
partnership,p,dist,res,2021-01-01,,,,
reseller,r1,res,c,2021-01-01,dist,,,
reseller,r2,dist,c,2021-01-01,,,,
purchase,b,res,c,2021-02-01,dist,,,
admin,a,res,c,2021-01-01,,Helpdesk Administrator; Directory Readers,90,false
";

fn src(name: &str, bytes: impl Into<Vec<u8>>) -> Source {
    Source {
        name: name.to_owned(),
        bytes: bytes.into(),
    }
}

fn run(parties: &str, links: &str) -> Result<Imported, ImportErrors> {
    import(
        &[src("parties.csv", parties), src("links.csv", links)],
        &Options::default(),
    )
}

fn errors(parties: &str, links: &str) -> Vec<String> {
    match run(parties, links) {
        Ok(_) => Vec::new(),
        Err(e) => e.0.iter().map(ToString::to_string).collect(),
    }
}

#[test]
fn imports_with_defaults_and_any_column_or_file_order() {
    let imported = import(
        &[src("links.csv", LINKS), src("parties.csv", PARTIES)],
        &Options::default(),
    )
    .unwrap();
    let s = &imported.scenario;
    assert_eq!(s.party_count(), 4);
    assert_eq!(s.link_count(), 6);
    let res = s.party("res").unwrap();
    assert_eq!(res.country.as_deref(), Some("US"), "upper-cased");
    assert!(res.onboarded && res.enrolled);
    assert_eq!(res.organization, "res");
    assert_eq!(res.tenant, "res");
    assert_eq!(res.tenant_type, TenantType::Csp);
    assert_eq!(s.party("c").unwrap().tenant_type, TenantType::Customer);
    let admin = s.link("a").unwrap();
    assert_eq!(admin.roles, ["Helpdesk Administrator", "Directory Readers"]);
    assert_eq!(admin.duration_days, Some(90));
    assert_eq!(
        s.link("b").unwrap().via.as_ref().map(|v| v.as_str()),
        Some("dist")
    );
    assert_eq!(
        imported.files,
        [
            ("links.csv".to_owned(), "links (CSV) in UTF-8".to_owned()),
            (
                "parties.csv".to_owned(),
                "parties (CSV) in UTF-8".to_owned()
            ),
        ]
    );
    assert!(crate::rules::check_as_of(s, "2021-03-01".parse().unwrap()).is_empty());
}

/// What German Excel saves: Windows-1252, `;`, dates `d.m.yyyy`, headers in words, values in words.
#[test]
fn a_windows_1252_semicolon_file_with_german_dates_and_spaced_headers() {
    let parties: Vec<u8> =
        b"ID;Kind;Company name;Country/Region;MPA signed;MPN ID;Registration ID\r\n\
ms;Microsoft;Microsoft;;;;\r\n\
dist;Distributor;Adatum;Germany;15.03.2020;1234567;\r\n\
res;Indirect reseller;M\xfcller G\xe4rten GmbH;DE;1.4.2020;7654321;\r\n\
c;Customer;K\xe4serei Nord;Deutschland;;;HRB 12345\r\n"
            .to_vec();
    let links = "id;kind;from;to;date\ns;supply;ms;dist;01.02.2020\n";
    // `Deutschland` is a country in German (src/io/import/locale.rs).
    let imported = import(
        &[src("p.csv", parties), src("l.csv", links)],
        &Options::default(),
    )
    .unwrap();
    let s = &imported.scenario;
    let res = s.party("res").unwrap();
    assert_eq!(res.name, "Müller Gärten GmbH");
    assert_eq!(res.kind, PartyKind::IndirectReseller);
    assert_eq!(res.mpa_signed, Some("2020-04-01".parse().unwrap()));
    assert_eq!(res.partner_id.as_deref(), Some("7654321"));
    let dist = s.party("dist").unwrap();
    assert_eq!(dist.kind, PartyKind::IndirectProvider);
    assert_eq!(dist.country.as_deref(), Some("DE"));
    assert_eq!(dist.mpa_signed, Some("2020-03-15".parse().unwrap()));
    let c = s.party("c").unwrap();
    assert_eq!(c.name, "Käserei Nord");
    assert_eq!(c.registration_id.as_deref(), Some("HRB 12345"));
    assert_eq!(c.country.as_deref(), Some("DE"));
    assert_eq!(imported.files[0].1, "parties (CSV) in windows-1252");
}

#[test]
fn a_utf16_tab_separated_file() {
    let text = "id\tkind\tname\tcountry\nms\tmicrosoft\tMicrosoft\t\nc\tcustomer\tZoë's Café\tFR\n";
    let bytes: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain(text.encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    let imported = import(&[src("unicode.txt", bytes)], &Options::default()).unwrap();
    assert_eq!(imported.scenario.party("c").unwrap().name, "Zoë's Café");
    assert_eq!(imported.files[0].1, "parties (CSV) in UTF-16LE");
}

#[test]
fn an_ambiguous_date_is_an_error_unless_the_order_is_given() {
    let parties = "id,kind,country,mpa_signed\ndist,indirect_provider,US,03/04/2020\n";
    let errs = errors(parties, "id,kind,from,to,date\n");
    assert_eq!(
        errs,
        [
            "parties.csv:2:4: `mpa_signed` \"03/04/2020\" could be 3 April or 4 March, and no date of this file has a day above 12 to tell; say which with --date-order dmy or --date-order mdy (or write YYYY-MM-DD)"
        ]
    );
    let mdy = Options {
        date_order: DateOrder::Mdy,
        ..Options::default()
    };
    let imported = import(&[src("parties.csv", parties)], &mdy).unwrap();
    assert_eq!(
        imported.scenario.party("dist").unwrap().mpa_signed,
        Some("2020-03-04".parse().unwrap())
    );
}

#[test]
fn every_bad_cell_is_reported_with_file_line_and_value() {
    let parties = "\
id,kind,country,mpa_signed,enrolled
ms,microsoft,,,
dist,wholesaler,US,,
res,indirect_reseller,Atlantis,2019-13-01,maybe
dist2,indirect_provider,,,
res,customer,US,,
";
    let errs = errors(parties, "id,kind,from,to,date\n");
    assert_eq!(
        errs,
        [
            "parties.csv:3:2: `kind` \"wholesaler\" is not one of microsoft, indirect_provider, direct_bill, indirect_reseller, customer",
            "parties.csv:4:3: `country` \"Atlantis\" is not a country: write its ISO code (US, DE, JP) or English name (United States)",
            "parties.csv:4:4: `mpa_signed` \"2019-13-01\" is not a date; write it as YYYY-MM-DD (2021-03-15), 15.03.2021 or 15/03/2021",
            "parties.csv:4:5: `enrolled` \"maybe\" is not yes or no (true/false, yes/no, x, 1/0)",
            "parties.csv:5:3: `country` is empty for dist2; it is required for every party but Microsoft",
            "parties.csv:6: party id \"res\" is used twice (first on parties.csv:4)",
        ]
    );
}

#[test]
fn a_party_with_a_mistake_does_not_cascade_into_the_links() {
    let parties = "id,kind,country\nms,microsoft,\nadatum,distributor,USA-ish\n";
    let links =
        "id,kind,from,to,date\ns,supply,ms,adatum,2020-13-01\nt,supply,ms,nobody,2020-01-01\n";
    assert_eq!(
        errors(parties, links),
        [
            "parties.csv:3:3: `country` \"USA-ish\" is not a country: write its ISO code (US, DE, JP) or English name (United States)",
            "links.csv:2:5: `date` \"2020-13-01\" is not a date; write it as YYYY-MM-DD (2021-03-15), 15.03.2021 or 15/03/2021",
            "links.csv:3:4: `to` \"nobody\" is not a party id of the parties file",
        ]
    );
}

#[test]
fn headers_are_checked_for_missing_columns_and_unknown_ones_are_reported() {
    let errs = errors("id,name,colour\n", "id,kind,from,to\n");
    assert_eq!(
        errs,
        [
            "parties.csv: not a file csp-explorer can import (its first line reads \"id, name, colour\"); expected a parties CSV (columns id, kind, …) or a links CSV (columns id, kind, from, to, date, …); see docs/csv-import.md",
            "links.csv:1: missing required column date",
        ]
    );
    let imported = import(
        &[src("p.csv", "id,kind,Colour,country\nc,customer,red,US\n")],
        &Options::default(),
    )
    .unwrap();
    assert_eq!(
        imported.unknown_columns,
        [
            "p.csv: column `Colour` not read; the columns are id, kind, name, country, organization, affiliate_group, tenant, tenant_type, mpa_signed, partner_id, registration_id, onboarded, enrolled, restricted_since, mca_accepted"
        ]
    );
}

#[test]
fn links_name_unknown_parties_bad_kinds_and_duplicates() {
    let links = "\
id,kind,from,to,date,via,status,duration_days
s,supply,ms,dist,2021-01-01,,,
s,supply,ms,dist,2021-01-01,,,
x,sale,ms,nobody,2021-01-01,ghost,,
y,partnership,dist,res,,,maybe,ninety
";
    let errs = errors(PARTIES, links);
    assert_eq!(
        errs,
        [
            "links.csv:3: link id \"s\" is used twice (first on links.csv:2)",
            "links.csv:4:2: `kind` \"sale\" is not one of supply, partnership, reseller, admin, purchase",
            "links.csv:4:4: `to` \"nobody\" is not a party id of the parties file",
            "links.csv:4:6: `via` \"ghost\" is not a party id of the parties file",
            "links.csv:5:7: `status` \"maybe\" is not one of accepted, pending",
            "links.csv:5:8: `duration_days` \"ninety\" is not a whole number of days",
            "links.csv:5:5: `date` is empty; it is required",
        ]
    );
}

#[test]
fn a_second_microsoft_is_refused() {
    let errs = errors(
        "id,kind\nms,microsoft\nms2,microsoft\n",
        "id,kind,from,to,date\n",
    );
    assert_eq!(
        errs,
        ["parties.csv:3: the scenario already has Microsoft (`ms`); there is only one"]
    );
}

#[test]
fn an_unlisted_market_imports_and_is_left_to_the_rules() {
    let s = run("id,kind,country\nc,customer,RU\n", "id,kind,from,to,date\n")
        .unwrap()
        .scenario;
    assert_eq!(s.party("c").unwrap().country.as_deref(), Some("RU"));
}

#[test]
fn ended_links_admin_type_and_status_are_read() {
    let links = "\
kind,id,from,to,date,via,roles,duration_days,auto_extend,End date,Admin type,Status
supply,s,ms,dist,2021-01-01,,,,,,,
partnership,p,dist,res,2021-01-01,,,,,2022-06-30,,
admin,a,res,c,2021-01-01,,Helpdesk Administrator,90,false,,DAP,
admin,g,dist,c,2021-01-01,,Directory Readers,90,false,,,pending
";
    let imported = run(PARTIES, links).unwrap();
    let s = &imported.scenario;
    let p = s.link("p").unwrap();
    assert_eq!(p.ended, Some("2022-06-30".parse().unwrap()));
    assert_eq!(
        s.link("a").unwrap().admin_type,
        crate::model::AdminType::Dap
    );
    let g = s.link("g").unwrap();
    assert_eq!(
        g.admin_type,
        crate::model::AdminType::Gdap,
        "GDAP by default"
    );
    assert_eq!(g.status, crate::model::LinkStatus::Pending);
    assert_eq!(s.link("s").unwrap().ended, None);
}

#[test]
fn a_link_that_ends_before_it_starts_or_of_an_unknown_admin_type_is_an_error() {
    let links = "\
kind,id,from,to,date,ended,admin_type
supply,s,ms,dist,2021-01-01,2020-12-31,
admin,a,res,c,2021-01-01,,partial
";
    let errors = errors(PARTIES, links);
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert!(errors[0].contains("links.csv:2"), "{}", errors[0]);
    assert!(errors[0].contains("`ended` 2020-12-31 is not after `date` 2021-01-01"));
    assert!(
        errors[1].contains("links.csv:3") && errors[1].contains("partial"),
        "{}",
        errors[1]
    );
}

#[test]
fn the_preview_says_what_each_file_is_and_what_the_import_needs() {
    let p = preview(
        &[
            src("parties.csv", PARTIES),
            src("notes.txt", "colour,size\nred,3\n"),
            src("broken.json", "{\"items\": ["),
        ],
        &Options::default(),
    );
    let kinds: Vec<&str> = p.files.iter().map(|(_, k)| k.as_str()).collect();
    assert_eq!(
        kinds,
        ["parties (CSV) in UTF-8", "not recognised", "not valid JSON"]
    );
    assert!(!p.needs_partner, "project CSVs need no signed-in partner");
    assert!(!p.ambiguous_dates);
    assert!(p.result.is_err());

    let ambiguous = PARTIES.replace("2019-06-01,,,", "03/04/2019,,,");
    let p = preview(
        &[src("parties.csv", ambiguous.as_str())],
        &Options::default(),
    );
    assert!(p.ambiguous_dates, "{:?}", p.result.err());
    let errors = p.result.unwrap_err();
    assert_eq!(errors.0[0].column(), Some("mpa_signed"));
    assert_eq!(errors.0[0].line, Some(3));
    let p = preview(
        &[src("parties.csv", ambiguous.as_str())],
        &Options {
            date_order: DateOrder::Dmy,
            ..Options::default()
        },
    );
    assert!(!p.ambiguous_dates);
    assert!(p.result.is_ok());
}

#[test]
fn a_row_with_more_cells_than_the_header_is_an_error_naming_the_extra_cells() {
    let parties = "id,kind,name,country\nms,microsoft,Microsoft,\nc,customer,Fabrikam, Inc,US\nd,customer,D,US,,\n";
    let errs = errors(parties, "id,kind,from,to,date\n");
    assert_eq!(
        errs,
        [
            "parties.csv:3:5: this row has 5 cells but the header has 4 columns; the extra cell(s) \"US\" belong to no column (a value holding a `,` must be in double quotes)",
            "parties.csv:3:4: `country` \"Inc\" is not a country: write its ISO code (US, DE, JP) or English name (United States)",
        ],
        "empty trailing cells (line 4) lose nothing and pass"
    );
    // Semicolon files say so, and links files are checked too.
    let links = "id;kind;from;to;date\ns;supply;ms;dist;2021-01-01;oops;again\n";
    let errs = errors(PARTIES, links);
    assert_eq!(
        errs,
        [
            "links.csv:2:6: this row has 7 cells but the header has 5 columns; the extra cell(s) \"oops\", \"again\" belong to no column (a value holding a `;` must be in double quotes)"
        ]
    );
}

#[test]
fn names_and_dates_out_of_bounds_are_refused_at_their_cell() {
    let long = "N".repeat(201);
    let parties = format!(
        "id,kind,name,country,mpa_signed\nms,microsoft,Microsoft,,\nd,indirect_provider,{long},US,\ne,indirect_provider,Bell\u{7}Co,US,\nf,indirect_provider,F,US,1989-12-31\n"
    );
    let errs = errors(&parties, "id,kind,from,to,date\n");
    assert_eq!(
        errs,
        [
            "parties.csv:3:3: `name` is 201 characters long; at most 200 are allowed",
            "parties.csv:4:3: `name` has a control character (U+0007) at character 5; remove it",
            "parties.csv:5:5: `mpa_signed` \"1989-12-31\" is out of range: expected a date from 1990-01-01 to 2100-12-31",
        ]
    );
}

#[test]
fn bytes_that_break_their_byte_order_mark_and_bad_json_are_located() {
    let mut bad = b"\xEF\xBB\xBFid,kind\nms,microsoft\nc,cust".to_vec();
    bad.push(0xFF);
    let err = import(&[src("bom.csv", bad)], &Options::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "bom.csv:3:7: not valid UTF-8: byte 30 (0xFF) is not part of any character; save it as UTF-8 (in most editors: Save As → Encoding: UTF-8)"
    );
    let err = import(
        &[src("x.json", "{\n  \"items\": [1,,2]\n}")],
        &Options::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(err.starts_with("x.json:2:15: not valid JSON"), "{err}");
}

#[test]
fn a_partner_center_company_name_out_of_bounds_names_file_line_and_column() {
    let long = "L".repeat(300);
    let json = format!(
        "{{\n  \"totalCount\": 1,\n  \"items\": [\n    {{\n      \"id\": \"0a1b2c3d-0000-4000-8000-00000000000f\",\n      \"companyProfile\": {{ \"companyName\": \"{long}\" }},\n      \"attributes\": {{ \"objectType\": \"Customer\" }}\n    }}\n  ],\n  \"attributes\": {{ \"objectType\": \"Collection\" }}\n}}"
    );
    let options = Options {
        partner: Some(SignedInPartner {
            name: "Contoso".to_owned(),
            kind: PartyKind::IndirectProvider,
            country: "US".to_owned(),
            partner_id: None,
        }),
        ..Options::default()
    };
    let err = import(&[src("customers.json", json)], &options)
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "customers.json:5:13: the company name is 300 characters long; at most 200 are allowed"
    );
    let csv = format!("Microsoft ID,Company name,Primary domain name\n0a1b,{long},x.com\n");
    let err = import(&[src("customers.csv", csv)], &options)
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "customers.csv:2:2: the company name is 300 characters long; at most 200 are allowed"
    );
}

#[test]
fn a_title_that_would_not_load_again_is_refused_and_a_file_name_never_makes_one() {
    let options = Options {
        title: Some("T".repeat(501)),
        ..Options::default()
    };
    let err = import(&[src("parties.csv", PARTIES)], &options)
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "--title: field `title`: is 501 characters long; at most 500 are allowed"
    );
    let name = format!("bell\u{7}{}.csv", "n".repeat(600));
    let imported = import(&[src(&name, PARTIES)], &Options::default()).unwrap();
    let title = &imported.scenario.meta.title;
    assert!(title.starts_with("Imported from belln"), "{title}");
    assert_eq!(title.chars().count(), crate::model::limits::MAX_TITLE_CHARS);
}

/// A workbook as a partner manager keeps one: a cover sheet, then parties and links on two sheets
/// with a title row above the links' header, dates as date cells and one as a bare serial.
fn workbook_bytes() -> Vec<u8> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut book = Workbook::new();
    let date = Format::new().set_num_format("dd.mm.yyyy");
    let cover = book.add_worksheet().set_name("Read me").unwrap();
    cover
        .write_string(0, 0, "Channel of Adatum, as of March")
        .unwrap();
    let parties = book.add_worksheet().set_name("Parties").unwrap();
    let rows: [[&str; 5]; 4] = [
        ["ms", "microsoft", "Microsoft", "", ""],
        ["dist", "indirect_provider", "Adatum", "US", "d"],
        ["res", "indirect_reseller", "Contoso\nReseller", "us", "d"],
        ["c", "customer", "Northwind", "US", ""],
    ];
    for (col, h) in ["id", "kind", "name", "country", "mpa_signed", "onboarded"]
        .iter()
        .enumerate()
    {
        parties.write_string(0, col as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (col, v) in row.iter().enumerate() {
            if *v == "d" {
                let d = ExcelDateTime::from_ymd(2019, 6, 1).unwrap();
                parties
                    .write_datetime_with_format(r, col as u16, &d, &date)
                    .unwrap();
            } else if !v.is_empty() {
                parties.write_string(r, col as u16, *v).unwrap();
            }
        }
    }
    parties.write_boolean(3, 5, true).unwrap();
    let links = book.add_worksheet().set_name("Links").unwrap();
    links
        .write_string(0, 0, "Links (exported 2021-03-01)")
        .unwrap();
    for (col, h) in ["kind", "id", "from", "to", "date", "via"]
        .iter()
        .enumerate()
    {
        links.write_string(2, col as u16, *h).unwrap();
    }
    let rows = [
        ["supply", "s", "ms", "dist", "", ""],
        ["partnership", "p", "dist", "res", "", ""],
        ["reseller", "r", "res", "c", "", "dist"],
        ["purchase", "b", "res", "c", "serial", "dist"],
    ];
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 3;
        for (col, v) in row.iter().enumerate() {
            match *v {
                "" if col == 4 => {
                    let d = ExcelDateTime::from_ymd(2021, 1, 1).unwrap();
                    links
                        .write_datetime_with_format(r, col as u16, &d, &date)
                        .unwrap();
                }
                // A date whose format was lost: Excel's serial for 2021-02-01.
                "serial" => {
                    links.write_number(r, col as u16, 44228.0).unwrap();
                }
                "" => {}
                v => {
                    links.write_string(r, col as u16, v).unwrap();
                }
            }
        }
    }
    book.save_to_buffer().unwrap()
}

#[test]
fn an_xlsx_with_parties_and_links_sheets_imports_and_names_the_sheet_it_skipped() {
    let imported = import(
        &[src("channel.xlsx", workbook_bytes())],
        &Options::default(),
    )
    .unwrap();
    let s = &imported.scenario;
    assert_eq!((s.party_count(), s.link_count()), (4, 4));
    let res = s.party("res").unwrap();
    assert_eq!(
        res.name, "Contoso Reseller",
        "a line break in a cell is a space"
    );
    assert_eq!(res.mpa_signed, Some("2019-06-01".parse().unwrap()));
    assert!(res.onboarded, "a boolean cell");
    assert_eq!(s.link("s").unwrap().date, "2021-01-01".parse().unwrap());
    assert_eq!(s.link("b").unwrap().date, "2021-02-01".parse().unwrap());
    assert_eq!(
        imported.files,
        [
            (
                "channel.xlsx (sheet Parties)".to_owned(),
                "parties, a sheet of an Excel workbook (.xlsx)".to_owned()
            ),
            (
                "channel.xlsx (sheet Links)".to_owned(),
                "links, a sheet of an Excel workbook (.xlsx)".to_owned()
            ),
        ]
    );
    assert!(
        imported
            .notes
            .iter()
            .any(|n| n.contains("1 sheet is not a table") && n.contains("\"Read me\"")),
        "{:?}",
        imported.notes
    );
}

#[test]
fn an_error_in_a_sheet_names_the_workbook_sheet_row_and_column() {
    let bytes = {
        use rust_xlsxwriter::Workbook;
        let mut book = Workbook::new();
        let sheet = book.add_worksheet().set_name("Parties").unwrap();
        for (col, h) in ["id", "kind", "name", "mpa_signed", "country"]
            .iter()
            .enumerate()
        {
            sheet.write_string(0, col as u16, *h).unwrap();
        }
        for (col, v) in ["r", "indirect_reseller", "Fabrikam", "soon", "US"]
            .iter()
            .enumerate()
        {
            sheet.write_string(1, col as u16, *v).unwrap();
        }
        book.save_to_buffer().unwrap()
    };
    let errors = import(&[src("book.xlsx", bytes)], &Options::default()).unwrap_err();
    let text = errors.to_string();
    assert!(
        text.starts_with("book.xlsx (sheet Parties):2:4: `mpa_signed`"),
        "{text}"
    );
}

/// Two cells far apart made `calamine` hold the whole rectangle between them (17 billion cells for
/// A1 and XFD1048576: the app aborted on a file of a few kilobytes). Cells are read one by one
/// now, and one beyond the columns a sheet may have is refused, naming the sheet, row and limit.
#[test]
fn a_workbook_with_a_cell_far_away_is_refused_not_laid_out() {
    let bytes = {
        use rust_xlsxwriter::Workbook;
        let mut book = Workbook::new();
        let sheet = book.add_worksheet().set_name("Parties").unwrap();
        sheet.write_string(0, 0, "id").unwrap();
        sheet.write_string(1_048_575, 16_383, "far").unwrap();
        book.save_to_buffer().unwrap()
    };
    let errors = import(&[src("far.xlsx", bytes)], &Options::default()).unwrap_err();
    let text = errors.to_string();
    assert!(
        text.contains(
            "sheet Parties, row 1048576: csp-explorer reads sheets of at most 1000 columns"
        ),
        "{text}"
    );
}

#[test]
fn an_ods_spreadsheet_imports() {
    let bytes = include_bytes!("../../../tests/fixtures/workbooks/channel.ods");
    let imported = import(&[src("channel.ods", bytes.to_vec())], &Options::default()).unwrap();
    let s = &imported.scenario;
    assert_eq!((s.party_count(), s.link_count()), (4, 5));
    assert_eq!(s.party("res").unwrap().name, "Contoso Reseller");
    assert!(s.party("res").unwrap().enrolled);
    assert_eq!(s.link("b").unwrap().date, "2021-02-01".parse().unwrap());
    assert_eq!(imported.files[0].0, "channel.ods (sheet Parteien)");
    assert!(
        imported.files[0].1.contains("OpenDocument"),
        "{:?}",
        imported.files
    );
    let findings = crate::rules::check_as_of(s, "2021-03-01".parse().unwrap());
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn a_zip_pdf_or_binary_file_is_one_line_saying_what_it_looks_like() {
    let zip = include_bytes!("../../../tests/fixtures/workbooks/not-a-workbook.zip");
    for (name, bytes, says) in [
        ("data.xlsx", zip.to_vec(), "ZIP archive, not a workbook"),
        (
            "report.pdf",
            b"%PDF-1.7\n\x1b[2J\0\0".to_vec(),
            "a PDF document",
        ),
        (
            "dump.bin",
            b"\x01\x02\0\0\x1b[2J garbage".to_vec(),
            "binary data",
        ),
    ] {
        let errors = import(&[src(name, bytes)], &Options::default()).unwrap_err();
        assert_eq!(errors.0.len(), 1, "{errors}");
        let line = errors.to_string();
        assert!(line.contains(says), "{line}");
        assert!(!line.contains(['\n', '\0', '\u{1b}']), "{line:?}");
    }
}

#[test]
fn a_us_dated_google_sheets_file_imports_without_a_date_order() {
    // Sheets writes `12/1/2019` and `10/15/2019` side by side; the second fixes the order for all.
    let links = "\
id,kind,from,to,date,via
s,supply,ms,dist,12/1/2019,
p,partnership,dist,res,10/15/2019,
r1,reseller,res,c,1/2/2021,dist
b,purchase,res,c,2/1/2021,dist
";
    let s = run(PARTIES, links).unwrap().scenario;
    assert_eq!(s.link("s").unwrap().date, "2019-12-01".parse().unwrap());
    assert_eq!(s.link("r1").unwrap().date, "2021-01-02".parse().unwrap());
    assert_eq!(s.link("b").unwrap().date, "2021-02-01".parse().unwrap());
    // A file whose dates decide nothing still asks, naming a value.
    let undecided = "id,kind,from,to,date\ns,supply,ms,dist,3/4/2020\n";
    let e = errors(PARTIES, undecided).join("\n");
    assert!(
        e.contains("\"3/4/2020\" could be 3 April or 4 March"),
        "{e}"
    );
    assert!(e.contains("--date-order"), "{e}");
}

#[test]
fn a_french_file_with_pays_and_vrai_imports() {
    let parties = "\
Identifiant;Type;Nom;Pays;MPA signé;Intégré;Inscrit
ms;microsoft;Microsoft;;;;
dist;Distributeur;Adatum;France;15/06/2019;;
res;Revendeur;\"Contoso\nRevendeur\";FR;01/06/2019;VRAI;VRAI
c;Client;Northwind;Royaume-Uni;;FAUX;
";
    let links = "\
Identifiant;Type;Vendeur;Acheteur;Date;Via
s;Approvisionnement;ms;dist;15/01/2021;
p;Partenariat;dist;res;01/02/2021;
r;reseller;res;c;01/02/2021;dist
b;Achat;res;c;01/03/2021;dist
";
    let imported = import(
        &[src("parties.csv", parties), src("links.csv", links)],
        &Options::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let s = &imported.scenario;
    let res = s.party("res").unwrap();
    assert_eq!(res.name, "Contoso Revendeur");
    assert_eq!(res.country.as_deref(), Some("FR"));
    assert!(res.onboarded && res.enrolled);
    assert_eq!(res.kind, PartyKind::IndirectReseller);
    assert_eq!(s.party("c").unwrap().country.as_deref(), Some("GB"));
    // `15/06/2019` above decides that `01/06/2019` is 1 June.
    assert_eq!(res.mpa_signed, Some("2019-06-01".parse().unwrap()));
    assert_eq!(s.link("b").unwrap().date, "2021-03-01".parse().unwrap());
    assert_eq!(s.link("b").unwrap().kind, crate::model::LinkKind::Purchase);
    assert!(
        imported.unknown_columns.is_empty(),
        "{:?}",
        imported.unknown_columns
    );
}

#[test]
fn a_shift_jis_file_from_japanese_excel_imports_and_says_its_encoding() {
    let parties = "\
ID,種類,名前,国,MPA署名日
ms,microsoft,Microsoft,,
dist,ディストリビューター,アダタム株式会社,日本,2019/06/01
res,リセラー,コントソ株式会社,JP,2019/06/01
c,顧客,株式会社ノースウィンド,日本,
";
    let (bytes, _, unmappable) = encoding_rs::SHIFT_JIS.encode(parties);
    assert!(!unmappable);
    let imported = import(
        &[src("parties.csv", bytes.into_owned())],
        &Options::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let s = &imported.scenario;
    assert_eq!(s.party("c").unwrap().name, "株式会社ノースウィンド");
    assert_eq!(s.party("c").unwrap().country.as_deref(), Some("JP"));
    assert_eq!(
        s.party("dist").unwrap().mpa_signed,
        Some("2019-06-01".parse().unwrap())
    );
    assert_eq!(imported.files[0].1, "parties (CSV) in Shift_JIS");
}

#[test]
fn uk_is_great_britain_and_an_unknown_code_is_an_error_with_the_nearest() {
    let s = run("id,kind,country\nc,customer,UK\n", "id,kind,from,to,date\n")
        .unwrap()
        .scenario;
    assert_eq!(s.party("c").unwrap().country.as_deref(), Some("GB"));
    let e = errors(
        "id,kind,country\nc,customer,XX\nd,customer,Germny\n",
        "id,kind,from,to,date\n",
    );
    assert!(
        e.iter()
            .any(|e| e.starts_with("parties.csv:2:3: `country` \"XX\" is not a country code")),
        "{e:?}"
    );
    assert!(
        e.iter().any(|e| e.contains("did you mean Germany (DE)")),
        "{e:?}"
    );
}

#[test]
fn control_characters_in_cells_are_shown_escaped_in_messages() {
    let e = errors(
        "id,kind\nx,\"cust\u{1b}[31momer\"\n",
        "id,kind,from,to,date\n",
    )
    .join("\n");
    assert!(e.contains("cust\\u{1b}[31momer"), "{e}");
    assert!(!e.contains('\u{1b}'), "{e:?}");
}
