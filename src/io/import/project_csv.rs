//! Owns: the project's parties and links tables, read onto the model row by row. Must not: decode,
//! split or recognise files (mod.rs and text.rs do), nor read Partner Center's files.
//!
//! The project's own spreadsheets: a parties file and a links file (docs/csv-import.md).
//!
//! To add a column: add it to [`PARTY_COLUMNS`] or [`LINK_COLUMNS`] (with the synonyms people use),
//! read it in [`read_parties`] or [`read_links`] with the `Row` helpers (`cell`, `date`, `flag`,
//! `choice`), and add a line to the table in docs/csv-import.md.

use super::text::{Column, ColumnMap, DateOrder, Table, fold, parse_country, parse_flag};
use super::{Context, ImportErrors};
use crate::model::identity::canonical_tenant;
use crate::model::{
    AdminType, Date, Link, LinkKind, LinkStatus, Party, PartyKind, Publisher, SharedText,
    TenantType,
};
use std::sync::LazyLock;

/// The columns of a parties file, with what people also call them.
pub const PARTY_COLUMNS: &[Column] = &[
    Column::or("id", &["party id", "party"]),
    Column::or("kind", &["type", "party type", "role"]),
    Column::or(
        "name",
        &["company name", "company", "customer name", "partner name"],
    ),
    Column::or(
        "country",
        &["country/region", "country code", "region country"],
    ),
    Column::or("organization", &["organisation", "org"]),
    Column::or("affiliate_group", &["affiliates", "affiliate"]),
    Column::or("tenant", &["tenant id", "microsoft id", "entra tenant"]),
    Column::or("tenant_type", &["tenant kind"]),
    Column::or(
        "mpa_signed",
        &["mpa", "mpa date", "mpa accepted", "mpa signed date"],
    ),
    Column::or(
        "partner_id",
        &["mpn id", "mpn", "partnerid", "partner id", "pgaid"],
    ),
    Column::or(
        "registration_id",
        &["registration number", "vat id", "company registration"],
    ),
    Column::or("onboarded", &["onboarded in partner center"]),
    Column::or("enrolled", &["enrolled as indirect reseller"]),
    Column::or("restricted_since", &["restricted", "restricted from"]),
    Column::or(
        "mca_accepted",
        &["mca", "mca date", "mca signed", "customer agreement"],
    ),
];

/// The columns of a links file, with what people also call them.
pub const LINK_COLUMNS: &[Column] = &[
    Column::or("id", &["link id", "link"]),
    Column::or("kind", &["type", "link type"]),
    Column::or("from", &["seller", "source", "supplier"]),
    Column::or("to", &["buyer", "target"]),
    Column::or("date", &["since", "created", "start date", "creation date"]),
    Column::or("status", &["state"]),
    Column::or("offer", &["product", "offer name"]),
    Column::or("publisher", &["offer publisher"]),
    Column::new("tenant"),
    Column::or("via", &["provider", "indirect provider", "billed via"]),
    Column::or("roles", &["gdap roles", "admin roles"]),
    Column::or("duration_days", &["duration", "gdap duration"]),
    Column::or("auto_extend", &["auto extend", "autoextend", "auto renew"]),
    Column::or("ended", &["end date", "ended on", "removed", "terminated"]),
    Column::or("admin_type", &["admin kind", "delegated admin type"]),
    Column::or(
        "partner_id_on_record",
        &[
            "partneridonrecord",
            "partner id on record",
            "partner of record",
            "mpn id on record",
        ],
    ),
];

/// A parties file has `id` and `kind` but no `from`/`to`.
pub(super) fn is_parties(table: &Table) -> bool {
    table.has_columns(PARTY_COLUMNS, &["id", "kind"])
        && !table.has_columns(LINK_COLUMNS, &["from", "to"])
}

/// A links file has `id`, `kind`, `from` and `to`.
pub(super) fn is_links(table: &Table) -> bool {
    table.has_columns(LINK_COLUMNS, &["id", "kind", "from", "to"])
}

/// A party kind written as a key (`indirect_reseller`) or in words (`Indirect reseller`, `Distributor`).
pub fn party_kind(value: &str) -> Option<PartyKind> {
    // The kinds' own names folded once, not for every cell: that was ten strings made and dropped
    // per row, a sixth of reading a million-link channel's parties.
    static NAMES: LazyLock<Vec<(String, PartyKind)>> = LazyLock::new(|| {
        PartyKind::ALL
            .into_iter()
            .flat_map(|k| [(fold(k.key()), k), (fold(k.label()), k)])
            .collect()
    });
    let v = fold(value);
    NAMES
        .iter()
        .find(|(name, _)| *name == v)
        .map(|(_, k)| *k)
        .or(match v.as_str() {
            "distributor" | "indirectcsp" | "indirectcloudsolutionprovider" | "provider" => {
                Some(PartyKind::IndirectProvider)
            }
            "reseller" | "var" | "indirectpartner" => Some(PartyKind::IndirectReseller),
            "directbillpartner" | "direct" | "directcsp" | "tier1" => Some(PartyKind::DirectBill),
            "endcustomer" | "client" => Some(PartyKind::Customer),
            "ms" => Some(PartyKind::Microsoft),
            other => super::locale::party_kind(other)
                .and_then(|key| PartyKind::ALL.into_iter().find(|k| k.key() == key)),
        })
}

/// A link kind written as a key or in words (`Reseller relationship`, `GDAP`, `Subscription`).
pub fn link_kind(value: &str) -> Option<LinkKind> {
    // Folded once, as for party kinds.
    static NAMES: LazyLock<Vec<(String, LinkKind)>> = LazyLock::new(|| {
        LinkKind::ALL
            .into_iter()
            .flat_map(|k| [(fold(k.key()), k), (fold(k.label()), k)])
            .collect()
    });
    let v = fold(value);
    NAMES
        .iter()
        .find(|(name, _)| *name == v)
        .map(|(_, k)| *k)
        .or(match v.as_str() {
            "gdap" | "dap" | "adminrelationship" => Some(LinkKind::Admin),
            "subscription" | "order" => Some(LinkKind::Purchase),
            "indirectresellerrelationship" => Some(LinkKind::Partnership),
            other => super::locale::link_kind(other)
                .and_then(|key| LinkKind::ALL.into_iter().find(|k| k.key() == key)),
        })
}

/// One record with its column map: typed cell access that records errors instead of failing.
struct Row<'a> {
    file: &'a str,
    line: u64,
    columns: &'a ColumnMap,
    cells: &'a [String],
    /// The table the row is of: an ambiguous slash date is read as its other dates decide.
    table: &'a Table,
    /// The order of ambiguous slash dates the user gave.
    date_order: DateOrder,
}

impl Row<'_> {
    fn cell(&self, column: &str) -> Option<&str> {
        self.columns.cell(self.cells, column)
    }

    fn error(&self, errors: &mut ImportErrors, message: String) {
        errors.push(self.file, Some(self.line), message);
    }

    /// An error about one cell: located by line and the cell's column.
    fn error_at(&self, errors: &mut ImportErrors, column: &str, message: String) {
        let at = self.columns.index.get(column).map(|&i| i as u64 + 1);
        errors.push_at(self.file, Some(self.line), at, message);
    }

    /// A scenario's refusal: a value out of bounds is located at its cell.
    fn refused(&self, errors: &mut ImportErrors, e: crate::model::ScenarioError) {
        match &e {
            crate::model::ScenarioError::OutOfBounds { error, .. } => {
                self.error_at(
                    errors,
                    error.field,
                    format!("`{}` {}", error.field, error.message),
                );
            }
            _ => self.error(errors, e.to_string()),
        }
    }

    fn required(&self, column: &str, errors: &mut ImportErrors) -> Option<String> {
        let value = self.cell(column).map(str::to_owned);
        if value.is_none() {
            self.error_at(
                errors,
                column,
                format!("`{column}` is empty; it is required"),
            );
        }
        value
    }

    fn date(&self, column: &str, ctx: &mut Context) -> Option<Date> {
        let value = self.cell(column)?;
        match self
            .table
            .parse_date(value, self.date_order, DateOrder::Ask)
        {
            Ok(d) => Some(d),
            Err(e) => {
                self.error_at(&mut ctx.errors, column, format!("`{column}` {e}"));
                None
            }
        }
    }

    fn flag(&self, column: &str, errors: &mut ImportErrors) -> bool {
        let value = self.cell(column);
        match value.map(parse_flag) {
            None => false,
            Some(Ok(b)) => b,
            Some(Err(e)) => {
                self.error_at(errors, column, format!("`{column}` {e}"));
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
        let parsed = parse(value);
        if parsed.is_none() {
            self.error_at(
                errors,
                column,
                format!(
                    "`{column}` \"{value}\" is not one of {}",
                    allowed.join(", ")
                ),
            );
        }
        parsed
    }
}

/// Checks the header of a project file: duplicate and missing columns are errors; unknown columns
/// are reported as warnings (they are not read) so that nothing is dropped without a word.
fn header(
    table: &Table,
    file: &str,
    known: &[Column],
    required: &[&str],
    ctx: &mut Context,
) -> Option<ColumnMap> {
    for (line, message) in &table.broken {
        ctx.errors
            .push(file, *line, format!("not valid CSV: {message}"));
    }
    let map = table.map_columns(known);
    let mut ok = true;
    for key in &map.twice {
        ctx.errors
            .push(file, Some(1), format!("column `{key}` appears twice"));
        ok = false;
    }
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|c| !map.index.contains_key(c))
        .collect();
    if !missing.is_empty() {
        ctx.errors.push(
            file,
            Some(1),
            format!(
                "missing required {} {}",
                crate::text::columns(missing.len()),
                missing.join(", ")
            ),
        );
        ok = false;
    }
    if !map.unknown.is_empty() {
        let keys: Vec<&str> = known.iter().map(|c| c.key).collect();
        ctx.unknown_columns.push(format!(
            "{file}: {} {} not read; the columns are {}",
            crate::text::columns(map.unknown.len()),
            map.unknown
                .iter()
                .map(|u| format!("`{u}`"))
                .collect::<Vec<_>>()
                .join(", "),
            keys.join(", ")
        ));
    }
    ok.then_some(map)
}

fn keys<T: Copy>(all: &[T], key: impl Fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|&k| key(k)).collect()
}

/// Reads a parties file into the context's scenario. Every party whose id could be read is
/// remembered, even when another cell of its row is wrong, so the links file reports only its own
/// mistakes.
pub(super) fn read_parties(table: &Table, file: &str, ctx: &mut Context) {
    let Some(columns) = header(table, file, PARTY_COLUMNS, &["id", "kind"], ctx) else {
        return;
    };
    let kinds = keys(&PartyKind::ALL, PartyKind::key);
    let mut rows = table.rows();
    while let Some((line, cells)) = rows.next_or_report(file, &mut ctx.errors) {
        let row = Row {
            file,
            line,
            columns: &columns,
            cells: &cells,
            table,
            date_order: ctx.options.date_order,
        };
        let id = row.required("id", &mut ctx.errors);
        if let Some(id) = &id {
            if let Some(first) = ctx.party_lines.get(id) {
                let first = first.clone();
                row.error(
                    &mut ctx.errors,
                    format!("party id \"{id}\" is used twice (first on {first})"),
                );
                continue;
            }
            ctx.party_lines.insert(id.clone(), format!("{file}:{line}"));
        }
        let errors_before = ctx.errors.0.len();
        let kind = row
            .required("kind", &mut ctx.errors)
            .and_then(|_| row.choice("kind", party_kind, &kinds, &mut ctx.errors));
        let mut party = Party::new(
            id.clone().unwrap_or_default(),
            kind.unwrap_or(PartyKind::Customer),
        );
        if let Some(name) = row.cell("name") {
            party.name = name.to_owned();
        }
        match row.cell("country") {
            Some(c) => match parse_country(c) {
                Ok(code) => party.country = Some(code.into()),
                Err(e) => row.error_at(&mut ctx.errors, "country", format!("`country` {e}")),
            },
            None if kind.is_some_and(|k| k != PartyKind::Microsoft) => row.error_at(
                &mut ctx.errors,
                "country",
                format!(
                    "`country` is empty for {}; it is required for every party but Microsoft",
                    id.as_deref().unwrap_or("this party")
                ),
            ),
            None => {}
        }
        if let Some(org) = row.cell("organization") {
            party.organization = org.to_owned();
        }
        party.affiliate_group = row.cell("affiliate_group").map(SharedText::from);
        if let Some(tenant) = row.cell("tenant") {
            party.tenant = canonical_tenant(tenant);
        }
        if let Some(t) = row.choice(
            "tenant_type",
            |v| TenantType::from_key(&v.to_ascii_lowercase()),
            &["csp", "customer"],
            &mut ctx.errors,
        ) {
            party.tenant_type = t;
        }
        party.mpa_signed = row.date("mpa_signed", ctx);
        party.partner_id = row.cell("partner_id").map(SharedText::from);
        party.registration_id = row.cell("registration_id").map(SharedText::from);
        party.onboarded = row.flag("onboarded", &mut ctx.errors);
        party.enrolled = row.flag("enrolled", &mut ctx.errors);
        party.restricted_since = row.date("restricted_since", ctx);
        party.mca_accepted = row.date("mca_accepted", ctx);
        if id.is_none() || kind.is_none() || ctx.errors.0.len() > errors_before {
            continue;
        }
        if let Err(e) = ctx.scenario.add_party(party) {
            row.refused(&mut ctx.errors, e);
        }
    }
}

/// Reads a links file into the context's scenario. A `from`, `to` or `via` must name a party of a
/// parties file of the same import (or one made from Partner Center data).
pub(super) fn read_links(table: &Table, file: &str, ctx: &mut Context) {
    let Some(columns) = header(
        table,
        file,
        LINK_COLUMNS,
        &["id", "kind", "from", "to", "date"],
        ctx,
    ) else {
        return;
    };
    let kinds = keys(&LinkKind::ALL, LinkKind::key);
    let mut rows = table.rows();
    while let Some((line, cells)) = rows.next_or_report(file, &mut ctx.errors) {
        let row = Row {
            file,
            line,
            columns: &columns,
            cells: &cells,
            table,
            date_order: ctx.options.date_order,
        };
        let errors = &mut ctx.errors;
        let id = row.required("id", errors);
        let kind = row
            .required("kind", errors)
            .and_then(|_| row.choice("kind", link_kind, &kinds, errors));
        let known_party = |column: &str, errors: &mut ImportErrors| -> Option<String> {
            let value = row.cell(column)?.to_owned();
            if ctx.party_lines.contains_key(&value) || ctx.scenario.party(&value).is_some() {
                Some(value)
            } else {
                row.error_at(
                    errors,
                    column,
                    format!("`{column}` \"{value}\" is not a party id of the parties file"),
                );
                None
            }
        };
        let mut errs = ImportErrors::default();
        let from = known_party("from", &mut errs);
        let to = known_party("to", &mut errs);
        let via = known_party("via", &mut errs);
        // Through the cap: one row's errors at a time, never all of a file's (2 million rows of
        // unknown parties made four million errors, 1.3 GB for a 20 MB file).
        ctx.errors.append(errs);
        let errors = &mut ctx.errors;
        if row.cell("from").is_none() {
            row.error_at(errors, "from", "`from` is empty; it is required".to_owned());
        }
        if row.cell("to").is_none() {
            row.error_at(errors, "to", "`to` is empty; it is required".to_owned());
        }
        let status = row.choice(
            "status",
            |v| LinkStatus::from_key(&fold(v)),
            &["accepted", "pending"],
            errors,
        );
        let publisher = row.choice(
            "publisher",
            |v| match fold(v).as_str() {
                "firstparty" | "microsoft" | "1stparty" => Some(Publisher::FirstParty),
                "thirdparty" | "3rdparty" | "marketplace" => Some(Publisher::ThirdParty),
                _ => None,
            },
            &["first_party", "third_party"],
            errors,
        );
        let duration_days = row
            .cell("duration_days")
            .and_then(|v| match v.parse::<u32>() {
                Ok(n) => Some(n),
                Err(_) => {
                    row.error_at(
                        errors,
                        "duration_days",
                        format!("`duration_days` \"{v}\" is not a whole number of days"),
                    );
                    None
                }
            });
        let auto_extend = row.flag("auto_extend", errors);
        let admin_type = row.choice(
            "admin_type",
            |v| match fold(v).as_str() {
                "gdap" | "granular" => Some(AdminType::Gdap),
                "dap" => Some(AdminType::Dap),
                _ => None,
            },
            &["gdap", "dap"],
            errors,
        );
        let ended = row.date("ended", ctx);
        let date = row.date("date", ctx);
        if let (Some(start), Some(end)) = (date, ended)
            && end <= start
        {
            row.error_at(
                &mut ctx.errors,
                "ended",
                format!("`ended` {end} is not after `date` {start}: a link ends after it starts"),
            );
            continue;
        }
        if row.cell("date").is_none() {
            row.error_at(
                &mut ctx.errors,
                "date",
                "`date` is empty; it is required".to_owned(),
            );
        }
        let (Some(id), Some(kind), Some(from), Some(to), Some(date)) = (id, kind, from, to, date)
        else {
            continue;
        };
        if let Some(first) = ctx.link_lines.get(&id) {
            let first = first.clone();
            row.error(
                &mut ctx.errors,
                format!("link id \"{id}\" is used twice (first on {first})"),
            );
            continue;
        }
        ctx.link_lines.insert(id.clone(), format!("{file}:{line}"));
        if ctx.scenario.party(&from).is_none()
            || ctx.scenario.party(&to).is_none()
            || via
                .as_ref()
                .is_some_and(|v| ctx.scenario.party(v).is_none())
        {
            // A party that failed to import: its own row already says why.
            continue;
        }
        let mut link = Link::new(id.as_str(), kind, from, to, date);
        link.status = status.unwrap_or_default();
        link.publisher = publisher.unwrap_or_default();
        link.offer = row.cell("offer").map(SharedText::from);
        link.tenant = row
            .cell("tenant")
            .map(canonical_tenant)
            .map(SharedText::from);
        link.partner_id_on_record = row.cell("partner_id_on_record").map(SharedText::from);
        link.via = via.map(Into::into);
        link.roles = row
            .cell("roles")
            .map(|r| {
                r.split([';', ','])
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(SharedText::from)
                    .collect()
            })
            .unwrap_or_default();
        link.duration_days = duration_days;
        link.auto_extend = auto_extend;
        link.ended = ended;
        link.admin_type = admin_type.unwrap_or_default();
        if let Err(e) = ctx.scenario.add_link(link) {
            row.refused(&mut ctx.errors, e);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// No German, French, … header word of one column is the English name of another column.
    #[test]
    fn no_localised_header_is_the_english_name_of_another_column() {
        for columns in [PARTY_COLUMNS, LINK_COLUMNS] {
            for c in columns {
                for (word, key) in super::super::locale::header_words() {
                    let english = std::iter::once(c.key).chain(c.synonyms.iter().copied());
                    for e in english {
                        assert!(
                            fold(e) != fold(word) || c.key == key,
                            "`{word}` ({key}) is also {} in English",
                            c.key
                        );
                    }
                }
            }
        }
    }
}
