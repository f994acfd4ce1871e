//! Import a channel from two spreadsheets (`parties.csv` and `links.csv`), where partner managers keep it.
//!
//! Both files need a header row; columns may come in any order. Every problem is collected (up to
//! [`MAX_ERRORS`]) and reported with the file, line, column and value, so a user can fix the files in
//! one go; nothing is returned, and so nothing is written, unless both files are entirely valid.

use crate::model::{
    Date, Link, LinkKind, LinkStatus, Party, PartyKind, Publisher, Scenario, TenantType,
};
use std::collections::HashMap;
use std::fmt;
use std::path::Path;

/// Stop collecting after this many errors: past it, the files are probably not what we think.
pub const MAX_ERRORS: usize = 50;

const PARTY_COLUMNS: &[&str] = &[
    "id",
    "kind",
    "name",
    "country",
    "organization",
    "affiliate_group",
    "tenant",
    "tenant_type",
    "mpa_signed",
    "onboarded",
    "enrolled",
    "restricted_since",
    "mca_accepted",
];
const LINK_COLUMNS: &[&str] = &[
    "id",
    "kind",
    "from",
    "to",
    "date",
    "status",
    "offer",
    "publisher",
    "tenant",
    "via",
    "roles",
    "duration_days",
    "auto_extend",
];

/// One import problem, located.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportError {
    /// The file name as given.
    pub file: String,
    /// 1-based line (the header is line 1); `None` for whole-file problems.
    pub line: Option<u64>,
    /// What is wrong, naming the column and value.
    pub message: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.file, line, self.message),
            None => write!(f, "{}: {}", self.file, self.message),
        }
    }
}

/// Every problem found in the two files.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportErrors(pub Vec<ImportError>);

impl fmt::Display for ImportErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        if self.0.len() >= MAX_ERRORS {
            write!(f, "\n(stopped after {MAX_ERRORS} errors)")?;
        }
        Ok(())
    }
}

impl std::error::Error for ImportErrors {}

impl ImportErrors {
    fn push(&mut self, file: &str, line: Option<u64>, message: String) {
        if self.0.len() < MAX_ERRORS {
            self.0.push(ImportError {
                file: file.to_owned(),
                line,
                message,
            });
        }
    }
}

/// Reads both files and builds the scenario (titled after the parties file).
pub fn import(parties: &Path, links: &Path) -> Result<Scenario, ImportErrors> {
    let read = |path: &Path| {
        std::fs::read_to_string(path).map_err(|e| {
            ImportErrors(vec![ImportError {
                file: path.display().to_string(),
                line: None,
                message: format!("cannot read the file: {e}"),
            }])
        })
    };
    let parties_text = read(parties)?;
    let links_text = read(links)?;
    import_str(
        &parties_text,
        &parties.display().to_string(),
        &links_text,
        &links.display().to_string(),
    )
}

/// One CSV record with its header: typed cell access that records errors instead of failing.
struct Row<'a> {
    file: &'a str,
    line: u64,
    columns: &'a HashMap<String, usize>,
    record: &'a csv::StringRecord,
}

impl Row<'_> {
    fn cell(&self, column: &str) -> Option<&str> {
        self.columns
            .get(column)
            .and_then(|&i| self.record.get(i))
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    fn error(&self, errors: &mut ImportErrors, message: String) {
        errors.push(self.file, Some(self.line), message);
    }

    fn required(&self, column: &str, errors: &mut ImportErrors) -> Option<String> {
        let value = self.cell(column).map(str::to_owned);
        if value.is_none() {
            self.error(errors, format!("`{column}` is empty; it is required"));
        }
        value
    }

    fn date(&self, column: &str, errors: &mut ImportErrors) -> Option<Date> {
        let value = self.cell(column)?;
        match Date::parse_from_str(value, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                self.error(
                    errors,
                    format!("`{column}` \"{value}\" is not a date; write it as YYYY-MM-DD, e.g. 2021-03-15"),
                );
                None
            }
        }
    }

    fn flag(&self, column: &str, errors: &mut ImportErrors) -> bool {
        let Some(value) = self.cell(column) else {
            return false;
        };
        match value.to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" | "y" => true,
            "false" | "no" | "0" | "n" => false,
            _ => {
                self.error(
                    errors,
                    format!("`{column}` \"{value}\" is not true or false"),
                );
                false
            }
        }
    }

    fn choice<T>(
        &self,
        column: &str,
        parse: impl Fn(&str) -> Option<T>,
        allowed: &[&str],
        errors: &mut ImportErrors,
    ) -> Option<T> {
        let value = self.cell(column)?;
        let parsed = parse(&value.to_ascii_lowercase());
        if parsed.is_none() {
            self.error(
                errors,
                format!(
                    "`{column}` \"{value}\" is not one of {}",
                    allowed.join(", ")
                ),
            );
        }
        parsed
    }
}

/// Reads the header, checks required and unknown columns, and returns the column map.
fn header(
    reader: &mut csv::Reader<&[u8]>,
    file: &str,
    known: &[&str],
    required: &[&str],
    errors: &mut ImportErrors,
) -> Option<HashMap<String, usize>> {
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            errors.push(file, Some(1), format!("cannot read the header row: {e}"));
            return None;
        }
    };
    let mut columns = HashMap::new();
    let mut ok = true;
    for (i, name) in headers.iter().enumerate() {
        let name = name.trim().to_ascii_lowercase();
        if !known.contains(&name.as_str()) {
            errors.push(
                file,
                Some(1),
                format!(
                    "unknown column `{name}`; the columns are {}",
                    known.join(", ")
                ),
            );
            ok = false;
        } else if columns.insert(name.clone(), i).is_some() {
            errors.push(file, Some(1), format!("column `{name}` appears twice"));
            ok = false;
        }
    }
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|c| !columns.contains_key(*c))
        .collect();
    if !missing.is_empty() {
        errors.push(
            file,
            Some(1),
            format!("missing required column(s) {}", missing.join(", ")),
        );
        ok = false;
    }
    ok.then_some(columns)
}

fn keys<T: Copy>(all: &[T], key: impl Fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|&k| key(k)).collect()
}

/// Builds a scenario from the text of the two files; the names only label errors.
pub fn import_str(
    parties_text: &str,
    parties_file: &str,
    links_text: &str,
    links_file: &str,
) -> Result<Scenario, ImportErrors> {
    let mut errors = ImportErrors::default();
    let mut scenario = Scenario::new(Path::new(parties_file).file_stem().map_or_else(
        || "Imported channel".to_owned(),
        |s| format!("Imported from {}", s.to_string_lossy()),
    ));
    let mut party_lines: HashMap<String, u64> = HashMap::new();
    read_parties(
        parties_text,
        parties_file,
        &mut scenario,
        &mut party_lines,
        &mut errors,
    );
    read_links(
        links_text,
        links_file,
        &mut scenario,
        &party_lines,
        &mut errors,
    );
    if errors.0.is_empty() {
        Ok(scenario)
    } else {
        Err(errors)
    }
}

fn reader(text: &str) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.as_bytes())
}

fn read_parties(
    text: &str,
    file: &str,
    scenario: &mut Scenario,
    lines: &mut HashMap<String, u64>,
    errors: &mut ImportErrors,
) {
    let mut rdr = reader(text);
    let Some(columns) = header(&mut rdr, file, PARTY_COLUMNS, &["id", "kind"], errors) else {
        return;
    };
    let kinds = keys(&PartyKind::ALL, PartyKind::key);
    for record in rdr.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line());
                errors.push(file, line, format!("not valid CSV: {e}"));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let row = Row {
            file,
            line,
            columns: &columns,
            record: &record,
        };
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let id = row.required("id", errors);
        let kind = row.required("kind", errors);
        let kind = kind.and_then(|_| row.choice("kind", PartyKind::from_key, &kinds, errors));
        let (Some(id), Some(kind)) = (id, kind) else {
            continue;
        };
        if let Some(first) = lines.get(&id) {
            row.error(
                errors,
                format!("party id \"{id}\" is used twice (first on line {first})"),
            );
            continue;
        }
        let mut party = Party::new(id.as_str(), kind);
        if let Some(name) = row.cell("name") {
            party.name = name.to_owned();
        }
        match row.cell("country") {
            Some(c) if c.len() == 2 && c.chars().all(|ch| ch.is_ascii_alphabetic()) => {
                party.country = Some(c.to_ascii_uppercase());
            }
            Some(c) => row.error(
                errors,
                format!("`country` \"{c}\" is not a two-letter ISO country code (e.g. US, DE, JP)"),
            ),
            None if kind != PartyKind::Microsoft => row.error(
                errors,
                format!(
                    "`country` is empty for {id}; it is required for every party but Microsoft"
                ),
            ),
            None => {}
        }
        if let Some(org) = row.cell("organization") {
            party.organization = org.to_owned();
        }
        party.affiliate_group = row.cell("affiliate_group").map(str::to_owned);
        if let Some(tenant) = row.cell("tenant") {
            party.tenant = tenant.to_owned();
        }
        if let Some(t) = row.choice(
            "tenant_type",
            TenantType::from_key,
            &["csp", "customer"],
            errors,
        ) {
            party.tenant_type = t;
        }
        party.mpa_signed = row.date("mpa_signed", errors);
        party.onboarded = row.flag("onboarded", errors);
        party.enrolled = row.flag("enrolled", errors);
        party.restricted_since = row.date("restricted_since", errors);
        party.mca_accepted = row.date("mca_accepted", errors);
        match scenario.add_party(party) {
            Ok(_) => {
                lines.insert(id, line);
            }
            Err(e) => row.error(errors, e.to_string()),
        }
    }
}

fn read_links(
    text: &str,
    file: &str,
    scenario: &mut Scenario,
    party_lines: &HashMap<String, u64>,
    errors: &mut ImportErrors,
) {
    let mut rdr = reader(text);
    let Some(columns) = header(
        &mut rdr,
        file,
        LINK_COLUMNS,
        &["id", "kind", "from", "to", "date"],
        errors,
    ) else {
        return;
    };
    let kinds = keys(&LinkKind::ALL, LinkKind::key);
    let mut link_lines: HashMap<String, u64> = HashMap::new();
    for record in rdr.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line());
                errors.push(file, line, format!("not valid CSV: {e}"));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let row = Row {
            file,
            line,
            columns: &columns,
            record: &record,
        };
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let id = row.required("id", errors);
        let kind = row
            .required("kind", errors)
            .and_then(|_| row.choice("kind", LinkKind::from_key, &kinds, errors));
        let mut known_party = |column: &str| -> Option<String> {
            let value = row.cell(column)?.to_owned();
            if party_lines.contains_key(&value) || scenario.party(&value).is_some() {
                Some(value)
            } else {
                row.error(
                    errors,
                    format!("`{column}` \"{value}\" is not a party id of the parties file"),
                );
                None
            }
        };
        let from = known_party("from");
        let to = known_party("to");
        let via = known_party("via");
        if row.cell("from").is_none() {
            row.error(errors, "`from` is empty; it is required".to_owned());
        }
        if row.cell("to").is_none() {
            row.error(errors, "`to` is empty; it is required".to_owned());
        }
        let date = row.date("date", errors);
        if row.cell("date").is_none() {
            row.error(errors, "`date` is empty; it is required".to_owned());
        }
        let status = row.choice(
            "status",
            LinkStatus::from_key,
            &["accepted", "pending"],
            errors,
        );
        let publisher = row.choice(
            "publisher",
            Publisher::from_key,
            &["first_party", "third_party"],
            errors,
        );
        let duration_days = row
            .cell("duration_days")
            .and_then(|v| match v.parse::<u32>() {
                Ok(n) => Some(n),
                Err(_) => {
                    row.error(
                        errors,
                        format!("`duration_days` \"{v}\" is not a whole number of days"),
                    );
                    None
                }
            });
        let auto_extend = row.flag("auto_extend", errors);
        let (Some(id), Some(kind), Some(from), Some(to), Some(date)) = (id, kind, from, to, date)
        else {
            continue;
        };
        if let Some(first) = link_lines.get(&id) {
            row.error(
                errors,
                format!("link id \"{id}\" is used twice (first on line {first})"),
            );
            continue;
        }
        let mut link = Link::new(id.as_str(), kind, from, to, date);
        link.status = status.unwrap_or_default();
        link.publisher = publisher.unwrap_or_default();
        link.offer = row.cell("offer").map(str::to_owned);
        link.tenant = row.cell("tenant").map(str::to_owned);
        link.via = via.map(Into::into);
        link.roles = row
            .cell("roles")
            .map(|r| {
                r.split(';')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        link.duration_days = duration_days;
        link.auto_extend = auto_extend;
        match scenario.add_link(link) {
            Ok(_) => {
                link_lines.insert(id, line);
            }
            Err(e) => row.error(errors, e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    fn errors(parties: &str, links: &str) -> Vec<String> {
        match import_str(parties, "parties.csv", links, "links.csv") {
            Ok(_) => Vec::new(),
            Err(e) => e.0.iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn imports_with_defaults_and_any_column_order() {
        let s = import_str(PARTIES, "parties.csv", LINKS, "links.csv").unwrap();
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
        assert!(crate::rules::check_as_of(&s, "2021-03-01".parse().unwrap()).is_empty());
    }

    #[test]
    fn every_bad_cell_is_reported_with_file_line_and_value() {
        let parties = "\
id,kind,country,mpa_signed,enrolled
ms,microsoft,,,
dist,distributor,US,,
res,indirect_reseller,USA,2019-13-01,maybe
dist2,indirect_provider,,,
res,customer,US,,
";
        let errs = errors(parties, "id,kind,from,to,date\n");
        assert_eq!(
            errs,
            [
                "parties.csv:3: `kind` \"distributor\" is not one of microsoft, indirect_provider, direct_bill, indirect_reseller, customer",
                "parties.csv:4: `country` \"USA\" is not a two-letter ISO country code (e.g. US, DE, JP)",
                "parties.csv:4: `mpa_signed` \"2019-13-01\" is not a date; write it as YYYY-MM-DD, e.g. 2021-03-15",
                "parties.csv:4: `enrolled` \"maybe\" is not true or false",
                "parties.csv:5: `country` is empty for dist2; it is required for every party but Microsoft",
                "parties.csv:6: party id \"res\" is used twice (first on line 4)",
            ]
        );
    }

    #[test]
    fn headers_are_checked_for_unknown_and_missing_columns() {
        let errs = errors("id,knd,colour\n", "id,kind,from,to\n");
        assert_eq!(
            errs,
            [
                "parties.csv:1: unknown column `knd`; the columns are id, kind, name, country, organization, affiliate_group, tenant, tenant_type, mpa_signed, onboarded, enrolled, restricted_since, mca_accepted",
                "parties.csv:1: unknown column `colour`; the columns are id, kind, name, country, organization, affiliate_group, tenant, tenant_type, mpa_signed, onboarded, enrolled, restricted_since, mca_accepted",
                "parties.csv:1: missing required column(s) kind",
                "links.csv:1: missing required column(s) date",
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
                "links.csv:3: link id \"s\" is used twice (first on line 2)",
                "links.csv:4: `kind` \"sale\" is not one of supply, partnership, reseller, admin, purchase",
                "links.csv:4: `to` \"nobody\" is not a party id of the parties file",
                "links.csv:4: `via` \"ghost\" is not a party id of the parties file",
                "links.csv:5: `date` is empty; it is required",
                "links.csv:5: `status` \"maybe\" is not one of accepted, pending",
                "links.csv:5: `duration_days` \"ninety\" is not a whole number of days",
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
        let s = import_str(
            "id,kind,country\nc,customer,RU\n",
            "p.csv",
            "id,kind,from,to,date\n",
            "l.csv",
        )
        .unwrap();
        assert_eq!(s.party("c").unwrap().country.as_deref(), Some("RU"));
    }
}
