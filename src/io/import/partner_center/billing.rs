//! Owns: Partner Center's billing downloads, the new-commerce invoice reconciliation file ("invoice
//! line items") and its daily rated usage companion, read into customers, resellers of record and
//! one subscription per `SubscriptionId`. Must not: map them onto the model; [`super::PcData::build`]
//! does, together with the other Partner Center files, so that the same customer or reseller is one
//! party whichever files name it.
//!
//! Every partner downloads the reconciliation file each month, and it names the whole channel: each
//! customer with its country, the reseller of record (`ResellerMpnId`, `Tier2MpnId` in the usage
//! file) and what was bought. A subscription has many charge lines (a purchase, a renewal, a
//! seat change, a refund; a line per day and meter in the usage file); each subscription is one
//! purchase, dated by its earliest start. Columns: docs/partner-center-import.md.

use super::{Customer, PcData, PcKind};
use crate::io::import::Context;
use crate::io::import::text::{Column, ColumnMap, DateOrder, Table};
use crate::model::Date;

/// The columns read from both billing files (named as Partner Center writes them; compared folded).
pub const BILLING_COLUMNS: &[Column] = &[
    Column::or(
        "customer_id",
        &["CustomerId", "Customer ID", "CustomerTenantId"],
    ),
    Column::or("customer_name", &["CustomerName", "CustomerCompanyName"]),
    Column::or("customer_domain", &["CustomerDomainName"]),
    Column::or("customer_country", &["CustomerCountry"]),
    Column::or("mpn_id", &["MpnId", "MPN ID"]),
    Column::or(
        "reseller_mpn_id",
        &["ResellerMpnId", "Tier2MpnId", "Reseller MPN ID"],
    ),
    Column::or("product_name", &["ProductName"]),
    Column::or("sku_name", &["SkuName"]),
    Column::or("publisher_name", &["PublisherName"]),
    Column::or("subscription_id", &["SubscriptionId"]),
    Column::or("subscription_start", &["SubscriptionStartDate"]),
    Column::or("charge_start", &["ChargeStartDate"]),
    Column::or("order_date", &["OrderDate"]),
    Column::or("usage_date", &["UsageDate"]),
    Column::or("charge_type", &["ChargeType"]),
];

/// Recognises a billing download: customer, subscription, product and the partner's MPN ID, with a
/// usage date (the daily rated usage file) or an order or charge date (the reconciliation file).
pub(super) fn sniff(table: &Table) -> Option<PcKind> {
    let map = table.map_columns(BILLING_COLUMNS);
    let has = |k: &str| map.index.contains_key(k);
    let billing = has("customer_id")
        && has("customer_name")
        && has("subscription_id")
        && has("mpn_id")
        && (has("product_name") || has("sku_name"));
    if !billing {
        None
    } else if has("usage_date") {
        Some(PcKind::DailyUsage)
    } else if has("charge_start") || has("order_date") || has("subscription_start") {
        Some(PcKind::Reconciliation)
    } else {
        None
    }
}

/// One subscription of the billing files, from all of its charge lines.
pub(super) struct BillingSubscription {
    /// The customer's tenant (lower case).
    pub tenant: String,
    /// `SubscriptionId`.
    pub id: String,
    /// The reseller of record's PartnerID, when there is one.
    pub reseller: Option<String>,
    /// The product (or SKU) bought.
    pub offer: Option<String>,
    /// Sold by a publisher other than Microsoft (a marketplace offer).
    pub third_party: bool,
    /// The earliest start of the subscription on any of its lines.
    pub date: Option<Date>,
    /// The file and the line of its first charge line.
    pub file: String,
    pub line: u64,
}

/// The date a charge line says the subscription began: `SubscriptionStartDate`, else the charge's
/// start, else the order or usage date.
const DATE_COLUMNS: [&str; 4] = [
    "subscription_start",
    "charge_start",
    "order_date",
    "usage_date",
];

impl PcData {
    /// Takes in a billing download: its customers, resellers of record, the partner's own MPN ID and
    /// one subscription per `SubscriptionId` (the first line's offer, the earliest date).
    pub(super) fn add_billing(&mut self, file: &str, table: &Table, ctx: &mut Context) {
        let map = table.map_columns(BILLING_COLUMNS);
        for (line, message) in &table.broken {
            ctx.errors
                .push(file, *line, format!("not valid CSV: {message}"));
        }
        let mut customers_seen = std::collections::HashSet::new();
        let mut index: std::collections::HashMap<(String, String), usize> = self
            .billing
            .iter()
            .enumerate()
            .map(|(i, s)| ((s.tenant.clone(), s.id.clone()), i))
            .collect();
        let mut charge_lines = 0usize;
        let mut rows = table.rows();
        while let Some((line, cells)) = rows.next_or_report(file, &mut ctx.errors) {
            let line = &line;
            let cell = |k: &str| map.cell(&cells, k);
            let Some(tenant) = cell("customer_id").map(str::to_ascii_lowercase) else {
                ctx.errors.push_at(
                    file,
                    Some(*line),
                    column(&map, "customer_id"),
                    "`CustomerId` is empty; every charge line names its customer".to_owned(),
                );
                continue;
            };
            charge_lines += 1;
            if let Some(mpn) = cell("mpn_id") {
                self.billing_mpn_ids.insert(mpn.to_owned());
            }
            if customers_seen.insert(tenant.clone()) {
                let name = cell("customer_name")
                    .or(cell("customer_domain"))
                    .unwrap_or(&tenant)
                    .to_owned();
                let at = || {
                    let column = map.index.get("customer_name").map_or(0, |&i| i as u64 + 1);
                    Some((*line, column))
                };
                if !super::name_fits(file, at, &name, ctx) {
                    continue;
                }
                self.customers.push(Customer {
                    name,
                    tenant: tenant.clone(),
                    country: cell("customer_country").map(str::to_owned),
                    relationship: None,
                    associated_partner: None,
                    file: file.to_owned(),
                });
            }
            let Some(id) = cell("subscription_id") else {
                continue;
            };
            let mut date = None;
            for key in DATE_COLUMNS {
                if let Some(value) = cell(key) {
                    // Partner Center writes month-first dates (`10/3/2020`): an ambiguous one
                    // in a file whose own dates decide nothing is read that way, unless the
                    // user said otherwise.
                    match table.parse_date(value, ctx.options.date_order, DateOrder::Mdy) {
                        Ok(d) => {
                            date = Some(d);
                            break;
                        }
                        Err(e) => {
                            ctx.errors.push_at(
                                file,
                                Some(*line),
                                column(&map, key),
                                format!("`{}` {e}", header(table, &map, key)),
                            );
                        }
                    }
                }
            }
            let reseller = cell("reseller_mpn_id")
                .filter(|r| !matches!(*r, "0" | "-"))
                .map(str::to_owned);
            match index.get(&(tenant.clone(), id.to_owned())) {
                Some(&i) => {
                    let s = &mut self.billing[i];
                    s.date = match (s.date, date) {
                        (Some(a), Some(b)) => Some(a.min(b)),
                        (a, b) => a.or(b),
                    };
                    s.reseller = s.reseller.take().or(reseller);
                }
                None => {
                    let publisher = cell("publisher_name").unwrap_or("Microsoft");
                    index.insert((tenant.clone(), id.to_owned()), self.billing.len());
                    self.billing.push(BillingSubscription {
                        tenant,
                        id: id.to_owned(),
                        reseller,
                        offer: cell("product_name").or(cell("sku_name")).map(str::to_owned),
                        third_party: !publisher.to_ascii_lowercase().starts_with("microsoft"),
                        date,
                        file: file.to_owned(),
                        line: *line,
                    });
                }
            }
        }
        self.billing_lines += charge_lines;
    }
}

/// The 1-based column of `key` in the table, for a message.
fn column(map: &ColumnMap, key: &str) -> Option<u64> {
    map.index.get(key).map(|&i| i as u64 + 1)
}

/// The header of `key` as the file writes it.
fn header<'a>(table: &'a Table, map: &ColumnMap, key: &'a str) -> &'a str {
    map.index
        .get(key)
        .and_then(|&i| table.headers.get(i))
        .map_or(key, String::as_str)
}
