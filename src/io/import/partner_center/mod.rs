//! Partner Center's own data: the JSON bodies its REST API returns and the CSV lists its web pages
//! download, mapped onto the model as seen from the signed-in partner (docs/partner-center-import.md).
//!
//! Owns: recognising each Partner Center file, reading it into [`PcData`], and mapping everything
//! read onto the model in one place ([`PcData::build`]). Must not: read files or decode text (the
//! import's `mod.rs` and `text.rs` do). The billing downloads (invoice reconciliation, daily rated
//! usage) are read in `billing.rs`; the mapping stays in this one file because every file's
//! customers and resellers must meet in the same maps to become one party each.
//!
//! Partner Center leaves out much of what the rules read (when a partnership or a reseller
//! relationship began, when a partner signed the MPA); every such gap is filled with a documented
//! default and said in the import summary, never silently.

use super::text::{Column, Table, fold, parse_country, parse_date};
use super::{Context, DateOrder};
use crate::model::identity::{canonical_tenant, partner_id_key, same_partner_id, tenant_key};
use crate::model::{
    Date, Link, LinkKind, LinkStatus, Party, PartyId, PartyKind, SharedText, mpa_effective_date,
};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};

mod billing;

/// Who is signed in to Partner Center: the data is their view of the channel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedInPartner {
    /// Company name, e.g. "Contoso Distribution".
    pub name: String,
    /// `IndirectProvider` or `DirectBill`.
    pub kind: PartyKind,
    /// ISO alpha-2 country of the partner's CSP account.
    pub country: String,
    /// The partner's own PartnerID, if known.
    pub partner_id: Option<String>,
}

/// What a Partner Center file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PcKind {
    /// `GET /v1/customers`: `Customer` resources.
    Customers,
    /// `GET /v1/relationships?relationship_type=IsIndirectCloudSolutionProviderOf`.
    Resellers,
    /// `GET /v1/customers/{id}/subscriptions`.
    Subscriptions,
    /// `GET /v1/customers/{id}/relationships`: the customer's partners.
    CustomerPartners,
    /// `GET /v1/customers/{id}/agreements`.
    Agreements,
    /// `GET /v1/customers/{id}/orders`: each line's `partnerIdOnRecord`.
    Orders,
    /// The customer list downloaded from Partner Center's Customers page.
    CustomersCsv,
    /// The indirect resellers list downloaded from Partner Center.
    ResellersCsv,
    /// The new-commerce invoice reconciliation file (invoice line items, CSV).
    Reconciliation,
    /// The new-commerce daily rated usage file (CSV).
    DailyUsage,
}

impl PcKind {
    /// How the summary names it.
    pub fn label(self) -> &'static str {
        match self {
            PcKind::Customers => "Partner Center customers (JSON)",
            PcKind::Resellers => "Partner Center indirect resellers (JSON)",
            PcKind::Subscriptions => "Partner Center subscriptions of one customer (JSON)",
            PcKind::CustomerPartners => "Partner Center partners of one customer (JSON)",
            PcKind::Agreements => "Partner Center agreements of one customer (JSON)",
            PcKind::Orders => "Partner Center orders (JSON)",
            PcKind::CustomersCsv => "Partner Center customer list (CSV)",
            PcKind::ResellersCsv => "Partner Center indirect resellers list (CSV)",
            PcKind::Reconciliation => "Partner Center invoice reconciliation (CSV)",
            PcKind::DailyUsage => "Partner Center daily rated usage (CSV)",
        }
    }
}

/// A recognised JSON body: its kind, its items and the customer it is about (from the resource
/// links, or the file name), when it is about one.
pub(super) struct PcJson {
    pub kind: PcKind,
    pub items: Vec<Value>,
    pub customer: Option<String>,
}

/// The items of a response body: a collection's `items`, a bare array, or one resource.
fn items_of(value: &Value) -> Vec<Value> {
    match value {
        Value::Object(o) => match o.get("items") {
            Some(Value::Array(items)) => items.clone(),
            _ => vec![value.clone()],
        },
        Value::Array(a) => a.clone(),
        _ => Vec::new(),
    }
}

fn object_type(v: &Value) -> Option<&str> {
    v.pointer("/attributes/objectType").and_then(Value::as_str)
}

fn s<'a>(v: &'a Value, pointer: &str) -> Option<&'a str> {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// The customer id in a resource link such as `/customers/{id}/subscriptions/...`.
fn customer_in_links(v: &Value) -> Option<String> {
    let mut found = None;
    let mut visit = |uri: &str| {
        let lower = uri.to_ascii_lowercase();
        if let Some(at) = lower.find("customers/") {
            let rest = &uri[at + "customers/".len()..];
            let id: String = rest
                .chars()
                .take_while(|c| *c != '/' && *c != '?')
                .collect();
            if !id.is_empty() && found.is_none() {
                found = Some(id);
            }
        }
    };
    if let Some(links) = v.get("links").and_then(Value::as_object) {
        for link in links.values() {
            if let Some(uri) = link.get("uri").and_then(Value::as_str) {
                visit(uri);
            }
        }
    }
    found
}

/// Recognises a Partner Center JSON body; `None` when it is JSON of another kind.
pub(super) fn sniff_json(value: &Value, file_name: &str) -> Option<PcJson> {
    let items = items_of(value);
    let collection_type = value
        .pointer("/attributes/objectType")
        .and_then(Value::as_str)
        .unwrap_or("");
    let first = items.first();
    let ty = first.and_then(object_type).unwrap_or("");
    let has = |key: &str| first.is_some_and(|f| f.get(key).is_some());
    let customer = customer_in_links(value)
        .or_else(|| items.iter().find_map(customer_in_links))
        .or_else(|| guid_in(file_name));
    let kind = if ty == "Customer" || has("companyProfile") || has("billingProfile") {
        PcKind::Customers
    } else if ty == "Order" || has("lineItems") {
        PcKind::Orders
    } else if ty == "Subscription" || (has("offerId") && (has("creationDate") || has("partnerId")))
    {
        PcKind::Subscriptions
    } else if ty == "Agreement" || has("dateAgreed") {
        PcKind::Agreements
    } else if ty == "PartnerRelationship" || has("relationshipType") {
        let to_customer = value
            .get("links")
            .and_then(|_| customer_in_links(value))
            .is_some()
            || first.and_then(|f| s(f, "/relationshipType")) == Some("IsIndirectResellerOf");
        if to_customer {
            PcKind::CustomerPartners
        } else {
            PcKind::Resellers
        }
    } else if items.is_empty() && collection_type == "Collection" {
        // An empty collection (a customer with no agreement, say) tells what it lists only by the
        // request it answers, in `links.self.uri`; it has nothing to import either way.
        kind_of_request(value).unwrap_or(PcKind::Customers)
    } else {
        return None;
    };
    Some(PcJson {
        kind,
        items,
        customer,
    })
}

/// What a body lists, from the request in its `links.self.uri` (`/customers/{id}/agreements`, …).
fn kind_of_request(value: &Value) -> Option<PcKind> {
    let uri = s(value, "/links/self/uri")?;
    let path = uri.split('?').next().unwrap_or(uri).trim_end_matches('/');
    let last = path.rsplit('/').next().unwrap_or("");
    Some(match last {
        "agreements" => PcKind::Agreements,
        "subscriptions" => PcKind::Subscriptions,
        "orders" => PcKind::Orders,
        "relationships" if path.contains("customers/") => PcKind::CustomerPartners,
        "relationships" => PcKind::Resellers,
        "customers" => PcKind::Customers,
        _ => return None,
    })
}

/// A GUID anywhere in a file name: Partner Center's customer ids are tenant GUIDs, and people save
/// `GET /v1/customers/{id}/subscriptions` as `{id}-subscriptions.json`.
fn guid_in(name: &str) -> Option<String> {
    let chars: Vec<char> = name.chars().collect();
    (0..chars.len().saturating_sub(35)).find_map(|i| {
        let candidate: String = chars[i..i + 36].iter().collect();
        let ok = candidate.char_indices().all(|(j, c)| {
            if [8, 13, 18, 23].contains(&j) {
                c == '-'
            } else {
                c.is_ascii_hexdigit()
            }
        });
        ok.then_some(candidate.to_ascii_lowercase())
    })
}

/// The columns of Partner Center's customer list download.
pub const CUSTOMER_LIST_COLUMNS: &[Column] = &[
    Column::or(
        "microsoft_id",
        &["Microsoft ID", "Customer ID", "Tenant ID"],
    ),
    Column::or("company_name", &["Company name", "Customer name", "Name"]),
    Column::or("domain", &["Primary domain name", "Domain"]),
    Column::or("relationship", &["Relationship"]),
    Column::or("tags", &["Tags"]),
    Column::or("country", &["Country", "Country/Region"]),
];

/// The columns of Partner Center's indirect resellers download.
pub const RESELLER_LIST_COLUMNS: &[Column] = &[
    Column::or(
        "name",
        &["Reseller name", "Company name", "Name", "Partner name"],
    ),
    Column::or(
        "partner_id",
        &["PartnerID", "Partner ID", "MPN ID", "PLA ID", "PGA ID"],
    ),
    Column::or(
        "status",
        &["Relationship status", "Status", "State", "Relationship"],
    ),
    Column::or("country", &["Location", "Country", "Country/Region"]),
    Column::or("microsoft_id", &["Microsoft ID", "Tenant ID"]),
];

/// Recognises a Partner Center CSV download.
pub(super) fn sniff_csv(table: &Table) -> Option<PcKind> {
    if let Some(kind) = billing::sniff(table) {
        Some(kind)
    } else if table.has_columns(
        CUSTOMER_LIST_COLUMNS,
        &["microsoft_id", "company_name", "domain"],
    ) {
        Some(PcKind::CustomersCsv)
    } else if table.has_columns(RESELLER_LIST_COLUMNS, &["name", "partner_id", "status"]) {
        Some(PcKind::ResellersCsv)
    } else {
        None
    }
}

/// One reseller as Partner Center describes it.
struct Reseller {
    name: String,
    partner_id: Option<String>,
    tenant: Option<String>,
    country: Option<String>,
    state: String,
    file: String,
}

/// One customer as Partner Center describes it.
struct Customer {
    name: String,
    tenant: String,
    country: Option<String>,
    relationship: Option<String>,
    associated_partner: Option<String>,
    file: String,
}

/// Everything read from the Partner Center files of one import, before it is mapped.
#[derive(Default)]
pub(super) struct PcData {
    resellers: Vec<Reseller>,
    customers: Vec<Customer>,
    /// Customer id → (file, subscription items).
    subscriptions: Vec<(String, String, Vec<Value>)>,
    /// Customer id → (file, partner relationship items).
    customer_partners: Vec<(String, String, Vec<Value>)>,
    /// Customer id → (file, agreement items).
    agreements: Vec<(String, String, Vec<Value>)>,
    /// The subscriptions of the billing files, one per `SubscriptionId`.
    billing: Vec<billing::BillingSubscription>,
    /// The `MpnId`s of the billing files: the signed-in partner's own PartnerID.
    billing_mpn_ids: BTreeSet<String>,
    /// Charge lines read from the billing files.
    billing_lines: usize,
    /// Subscription id → (file, the `partnerIdOnRecord` of the order line that made it).
    on_record: BTreeMap<String, (String, String)>,
}

impl PcData {
    /// True when no Partner Center file was given.
    pub fn is_empty(&self) -> bool {
        self.resellers.is_empty()
            && self.customers.is_empty()
            && self.subscriptions.is_empty()
            && self.customer_partners.is_empty()
            && self.agreements.is_empty()
            && self.billing.is_empty()
            && self.billing_lines == 0
            && self.on_record.is_empty()
    }

    /// The country most customers are billed in (of a tie, the one listed first): the likeliest
    /// country of the signed-in partner, whose customers are mostly local.
    pub fn suggested_country(&self) -> Option<String> {
        let codes: Vec<String> = self
            .customers
            .iter()
            .filter_map(|c| c.country.as_deref().and_then(|c| parse_country(c).ok()))
            .collect();
        // Counted once each (a count per customer inside the loop over them was quadratic).
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for code in &codes {
            *counts.entry(code.as_str()).or_default() += 1;
        }
        let most = counts.values().copied().max()?;
        codes.iter().find(|c| counts[c.as_str()] == most).cloned()
    }

    /// Takes in a recognised JSON body.
    pub fn add_json(&mut self, file: &str, text: &str, body: PcJson, ctx: &mut Context) {
        let per_customer = matches!(
            body.kind,
            PcKind::Subscriptions | PcKind::CustomerPartners | PcKind::Agreements
        );
        if per_customer && body.customer.is_none() {
            ctx.errors.push(
                file,
                None,
                format!(
                    "{} do not say which customer they belong to (no `customers/<id>` link); \
                     put the customer id in the file name, e.g. <customer-id>-{}.json",
                    body.kind.label(),
                    match body.kind {
                        PcKind::Subscriptions => "subscriptions",
                        PcKind::Agreements => "agreements",
                        _ => "relationships",
                    }
                ),
            );
            return;
        }
        let customer = body.customer.unwrap_or_default().to_ascii_lowercase();
        match body.kind {
            PcKind::Customers => {
                for (i, item) in body.items.iter().enumerate() {
                    let Some(tenant) = s(item, "/id").or(s(item, "/companyProfile/tenantId"))
                    else {
                        ctx.errors
                            .push(file, None, format!("customer #{} has no `id`", i + 1));
                        continue;
                    };
                    let name = s(item, "/companyProfile/companyName")
                        .or(s(item, "/billingProfile/companyName"))
                        .or(s(item, "/companyProfile/domain"))
                        .unwrap_or(tenant);
                    let country = s(item, "/billingProfile/defaultAddress/country")
                        .or(s(item, "/companyProfile/address/country"))
                        .map(str::to_owned);
                    if !name_fits(file, || json_position(text, tenant), name, ctx) {
                        continue;
                    }
                    self.customers.push(Customer {
                        name: name.to_owned(),
                        tenant: canonical_tenant(tenant),
                        country,
                        relationship: s(item, "/relationshipToPartner").map(str::to_owned),
                        associated_partner: s(item, "/associatedPartnerId")
                            .or(s(item, "/associatedPartnerID"))
                            .map(str::to_owned),
                        file: file.to_owned(),
                    });
                }
            }
            PcKind::Resellers => {
                for item in &body.items {
                    let name = s(item, "/name").unwrap_or("(unnamed reseller)");
                    let at = || json_position(text, s(item, "/id").unwrap_or(name));
                    if !name_fits(file, at, name, ctx) {
                        continue;
                    }
                    self.resellers.push(Reseller {
                        name: name.to_owned(),
                        partner_id: s(item, "/mpnId").map(str::to_owned),
                        tenant: s(item, "/id").map(canonical_tenant),
                        country: s(item, "/location").map(str::to_owned),
                        state: s(item, "/state").unwrap_or("active").to_owned(),
                        file: file.to_owned(),
                    });
                }
            }
            PcKind::Subscriptions => {
                self.subscriptions
                    .push((customer, file.to_owned(), body.items));
            }
            PcKind::CustomerPartners => {
                self.customer_partners
                    .push((customer, file.to_owned(), body.items));
            }
            PcKind::Agreements => {
                self.agreements
                    .push((customer, file.to_owned(), body.items));
            }
            PcKind::Orders => {
                for line in body
                    .items
                    .iter()
                    .flat_map(|order| order.get("lineItems").and_then(Value::as_array))
                    .flatten()
                {
                    if let (Some(subscription), Some(pid)) = (
                        s(line, "/subscriptionId"),
                        s(line, "/partnerIdOnRecord").or(s(line, "/partnerIdOnRecordId")),
                    ) {
                        self.on_record.insert(
                            subscription.to_ascii_lowercase(),
                            (file.to_owned(), pid.to_owned()),
                        );
                    }
                }
            }
            PcKind::CustomersCsv
            | PcKind::ResellersCsv
            | PcKind::Reconciliation
            | PcKind::DailyUsage => {}
        }
    }

    /// Takes in a recognised CSV download.
    pub fn add_csv(&mut self, file: &str, kind: PcKind, table: &Table, ctx: &mut Context) {
        if matches!(kind, PcKind::Reconciliation | PcKind::DailyUsage) {
            self.add_billing(file, table, ctx);
            return;
        }
        let columns = match kind {
            PcKind::CustomersCsv => CUSTOMER_LIST_COLUMNS,
            _ => RESELLER_LIST_COLUMNS,
        };
        let map = table.map_columns(columns);
        for (line, message) in &table.broken {
            ctx.errors
                .push(file, *line, format!("not valid CSV: {message}"));
        }
        if !map.unknown.is_empty() {
            ctx.unknown_columns.push(format!(
                "{file}: {} {} not read",
                crate::text::columns(map.unknown.len()),
                map.unknown
                    .iter()
                    .map(|u| format!("`{u}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        let mut rows = table.rows();
        while let Some((line, cells)) = rows.next_or_report(file, &mut ctx.errors) {
            let line = &line;
            let cell = |k: &str| map.cell(&cells, k).map(str::to_owned);
            match kind {
                PcKind::CustomersCsv => {
                    let Some(tenant) = cell("microsoft_id") else {
                        ctx.errors.push(
                            file,
                            Some(*line),
                            "`Microsoft ID` is empty; it is required".to_owned(),
                        );
                        continue;
                    };
                    let name = cell("company_name").unwrap_or_else(|| tenant.clone());
                    let at = map
                        .index
                        .get("company_name")
                        .map(|&i| (*line, i as u64 + 1));
                    if !name_fits(file, || at.or(Some((*line, 0))), &name, ctx) {
                        continue;
                    }
                    self.customers.push(Customer {
                        name,
                        tenant: canonical_tenant(&tenant),
                        country: cell("country"),
                        relationship: cell("relationship"),
                        associated_partner: None,
                        file: file.to_owned(),
                    });
                }
                _ => {
                    let Some(name) = cell("name") else {
                        ctx.errors.push(
                            file,
                            Some(*line),
                            "the reseller's name is empty; it is required".to_owned(),
                        );
                        continue;
                    };
                    let at = map.index.get("name").map(|&i| (*line, i as u64 + 1));
                    if !name_fits(file, || at, &name, ctx) {
                        continue;
                    }
                    self.resellers.push(Reseller {
                        name,
                        partner_id: cell("partner_id"),
                        tenant: cell("microsoft_id").map(|t| canonical_tenant(&t)),
                        country: cell("country"),
                        state: cell("status").unwrap_or_else(|| "active".to_owned()),
                        file: file.to_owned(),
                    });
                }
            }
        }
    }

    /// Maps everything onto the context's scenario as seen from `partner`.
    pub fn build(self, partner: &SignedInPartner, ctx: &mut Context) {
        let default_date = mpa_effective_date();
        let mut ids = IdMaker::default();
        for p in ctx.scenario.parties() {
            ids.taken.insert(p.id.to_string());
        }
        // Microsoft and the signed-in partner.
        let existing = ctx
            .scenario
            .parties()
            .find(|p| p.kind == PartyKind::Microsoft)
            .map(|p| p.id);
        let ms = match existing {
            Some(id) => id,
            None => {
                let id = ids.make("microsoft");
                let _ = ctx
                    .scenario
                    .add_party(Party::new(id.as_str(), PartyKind::Microsoft).named("Microsoft"));
                PartyId::from(id.as_str())
            }
        };
        let me_id = PartyId::from(ids.make(&partner.name).as_str());
        let mut me = Party::new(me_id, partner.kind)
            .named(&partner.name)
            .in_country(&partner.country)
            .mpa(default_date);
        // The billing files' `MpnId` is yours: it names you when you did not.
        let own_id = partner.partner_id.clone().or_else(|| {
            let mut ids = self.billing_mpn_ids.iter();
            match (ids.next(), ids.next()) {
                (Some(only), None) => {
                    ctx.notes.push(format!(
                        "{}: your PartnerID is taken as {only}, the MpnId of the billing files",
                        partner.name
                    ));
                    Some(only.clone())
                }
                _ => None,
            }
        });
        me.partner_id = own_id.as_deref().map(SharedText::from);
        push_party(ctx, "--partner", me);
        ctx.notes.push(format!(
            "{} ({}): Partner Center does not give your MPA date; taken as {default_date} (the MPA \
             effective date). Your supply by Microsoft is dated {default_date} too.",
            partner.name,
            partner.kind.label()
        ));
        push_link(
            ctx,
            &mut ids,
            "--partner",
            Link::new("", LinkKind::Supply, ms, me_id, default_date),
        );

        // Resellers, by PartnerID and by tenant.
        let mut by_partner_id: BTreeMap<String, PartyId> = BTreeMap::new();
        let mut by_tenant: BTreeMap<String, PartyId> = BTreeMap::new();
        let mut undated_partnerships = 0;
        let mut country_assumed: Vec<String> = Vec::new();
        for r in &self.resellers {
            let id = PartyId::from(ids.make(&r.name).as_str());
            let state = fold(&r.state);
            let status = match state.as_str() {
                "active" | "accepted" | "" => Some(LinkStatus::Accepted),
                "pending" | "invited" | "sent" | "requested" => Some(LinkStatus::Pending),
                _ => None,
            };
            let mut party = Party::new(id, PartyKind::IndirectReseller).named(&r.name);
            party.partner_id = r.partner_id.as_deref().map(SharedText::from);
            if let Some(t) = &r.tenant {
                party.tenant = t.clone();
            }
            party.country = Some(
                country_or(ctx, &r.file, r.country.as_deref(), partner, &mut || {
                    country_assumed.push(r.name.clone())
                })
                .into(),
            );
            if status.is_some() {
                // An accepted partnership needs a reseller enrolled in Partner Center. A pending
                // one will need it too before it is accepted; whether it has enrolled yet Partner
                // Center does not say, and the check reports the pending partnership itself
                // (rather than three findings on every sale of the same reseller).
                party.onboarded = true;
                party.enrolled = true;
                party.mpa_signed = Some(default_date);
            }
            push_party(ctx, &r.file, party);
            if let Some(pid) = &r.partner_id {
                by_partner_id.insert(partner_id_key(pid).into_owned(), id);
            }
            if let Some(t) = &r.tenant {
                by_tenant.insert(tenant_key(t).into_owned(), id);
            }
            match status {
                Some(status) => {
                    let mut link = Link::new("", LinkKind::Partnership, me_id, id, default_date);
                    link.status = status;
                    undated_partnerships += 1;
                    push_link(ctx, &mut ids, &r.file, link);
                }
                None => ctx.notes.push(format!(
                    "{}: the partnership with {} is \"{}\"; no partnership was made",
                    r.file, r.name, r.state
                )),
            }
        }
        // Resellers of record in the billing files sold through you: each is your indirect reseller
        // with a partnership. One already listed (same PartnerID) is that reseller.
        let mut of_record: Vec<(&str, &str)> = Vec::new();
        for b in &self.billing {
            if let Some(pid) = b.reseller.as_deref()
                && own_id.as_deref() != Some(pid)
                && !by_partner_id.contains_key(&*partner_id_key(pid))
                && !of_record.iter().any(|(p, _)| *p == pid)
            {
                of_record.push((pid, &b.file));
            }
        }
        for (pid, file) in of_record {
            let name = format!("PartnerID {pid}");
            let id = PartyId::from(ids.make(&format!("partner {pid}")).as_str());
            let mut party = Party::new(id, PartyKind::IndirectReseller)
                .named(&name)
                .in_country(&partner.country);
            party.partner_id = Some(pid.into());
            party.onboarded = true;
            party.enrolled = true;
            party.mpa_signed = Some(default_date);
            country_assumed.push(name);
            push_party(ctx, file, party);
            by_partner_id.insert(partner_id_key(pid).into_owned(), id);
            undated_partnerships += 1;
            push_link(
                ctx,
                &mut ids,
                file,
                Link::new("", LinkKind::Partnership, me_id, id, default_date),
            );
        }
        if undated_partnerships > 0 {
            ctx.notes.push(format!(
                "{} with indirect resellers: Partner Center gives no \
                 date; dated {default_date}, and your resellers (accepted or pending) are taken as \
                 onboarded, enrolled and with the MPA signed on {default_date}.",
                crate::text::count(undated_partnerships, "partnership", "partnerships")
            ));
        }

        // Customers.
        let mut customers: BTreeMap<String, PartyId> = BTreeMap::new();
        let mut undated_reseller_links = 0;
        for c in &self.customers {
            if customers.contains_key(&*tenant_key(&c.tenant)) {
                continue;
            }
            let id = PartyId::from(ids.make(&c.name).as_str());
            let mut party = Party::new(id, PartyKind::Customer).named(&c.name);
            party.tenant = c.tenant.clone();
            party.country = Some(
                country_or(ctx, &c.file, c.country.as_deref(), partner, &mut || {
                    country_assumed.push(c.name.clone())
                })
                .into(),
            );
            push_party(ctx, &c.file, party);
            customers.insert(tenant_key(&c.tenant).into_owned(), id);
            let is_reseller = c
                .relationship
                .as_deref()
                .is_none_or(|r| fold(r).contains("reseller") || fold(r) == "none");
            if is_reseller {
                undated_reseller_links += 1;
                push_link(
                    ctx,
                    &mut ids,
                    &c.file,
                    Link::new("", LinkKind::Reseller, me_id, id, default_date),
                );
            }
            if let Some(ap) = &c.associated_partner {
                match by_partner_id
                    .get(&*partner_id_key(ap))
                    .or(by_tenant.get(&*tenant_key(ap)))
                {
                    Some(r) => {
                        undated_reseller_links += 1;
                        let mut link =
                            Link::new("", LinkKind::Reseller, *r, id, default_date);
                        link.via = Some(me_id);
                        push_link(ctx, &mut ids, &c.file, link);
                    }
                    None => ctx.notes.push(format!(
                        "{}: {} is associated with partner {ap}, which is not among the indirect resellers",
                        c.file, c.name
                    )),
                }
            }
        }
        if !country_assumed.is_empty() {
            ctx.notes.push(format!(
                "{} without a country in the files ({}): placed in {}, your country.",
                crate::text::count(country_assumed.len(), "party", "parties"),
                short_list(&country_assumed),
                partner.country
            ));
        }

        let customer_of = |ctx: &mut Context, file: &str, tenant: &str| -> Option<PartyId> {
            let found = customers.get(&*tenant_key(tenant)).cloned();
            if found.is_none() {
                ctx.errors.push(
                    file,
                    None,
                    format!(
                        "customer {tenant} is not in the customer list; import its `GET /v1/customers` \
                         body (or the customer list CSV) with it"
                    ),
                );
            }
            found
        };

        // Reseller of record: an unknown PartnerID becomes a reseller with no partnership, so the
        // rules can say what is wrong with it.
        let mut unknown_resellers: BTreeMap<String, PartyId> = BTreeMap::new();
        let mut reseller_for = |ctx: &mut Context,
                                ids: &mut IdMaker,
                                file: &str,
                                pid: &str|
         -> PartyId {
            if let Some(r) = by_partner_id
                .get(&*partner_id_key(pid))
                .or(by_tenant.get(&*tenant_key(pid)))
            {
                return *r;
            }
            *unknown_resellers
                .entry(partner_id_key(pid).into_owned())
                .or_insert_with(|| {
                    let id = PartyId::from(ids.make(&format!("partner {pid}")).as_str());
                    let mut p = Party::new(id, PartyKind::IndirectReseller)
                        .named(&format!("PartnerID {pid}"))
                        .in_country(&partner.country);
                    p.partner_id = Some(pid.into());
                    push_party(ctx, file, p);
                    ctx.notes.push(format!(
                        "PartnerID {pid} is the reseller of record of a subscription but not one of \
                         your indirect resellers: added as a reseller in {} with no partnership",
                        partner.country
                    ));
                    id
                })
        };

        // Agreements: the MCA date.
        let mut with_mca = BTreeSet::new();
        for (tenant, file, items) in &self.agreements {
            let Some(cid) = customer_of(ctx, file, tenant) else {
                continue;
            };
            let mut best: Option<Date> = None;
            for item in items {
                let ty = s(item, "/type").unwrap_or("MicrosoftCustomerAgreement");
                if ty != "MicrosoftCustomerAgreement" {
                    continue;
                }
                match s(item, "/dateAgreed").map(|d| parse_date(d, DateOrder::Ask)) {
                    Some(Ok(d)) => best = Some(best.map_or(d, |b: Date| b.min(d))),
                    Some(Err(e)) => ctx.errors.push(file, None, format!("`dateAgreed` {e}")),
                    None => {}
                }
            }
            if let Some(d) = best
                && let Some(mut p) = ctx.scenario.party(cid.as_str()).cloned()
            {
                p.mca_accepted = Some(d);
                if let Err(e) = ctx.scenario.replace_party(p) {
                    ctx.errors.push(file, None, e.to_string());
                }
                with_mca.insert(cid);
            }
        }
        let no_mca: Vec<String> = customers
            .values()
            .filter(|c| !with_mca.contains(*c))
            .filter_map(|c| ctx.scenario.party(c.as_str()).map(|p| p.name.clone()))
            .collect();
        if !no_mca.is_empty() {
            ctx.notes.push(format!(
                "{} with no Microsoft Customer Agreement in the files ({}): the MCA date \
                 is left empty",
                crate::text::count(no_mca.len(), "customer", "customers"),
                short_list(&no_mca)
            ));
        }

        // A customer's partners: reseller relationships.
        for (tenant, file, items) in &self.customer_partners {
            let Some(cid) = customer_of(ctx, file, tenant) else {
                continue;
            };
            for item in items {
                let Some(pid) = s(item, "/mpnId").or(s(item, "/id")) else {
                    continue;
                };
                if partner
                    .partner_id
                    .as_deref()
                    .is_some_and(|own| same_partner_id(own, pid))
                    || s(item, "/name") == Some(partner.name.as_str())
                {
                    continue; // That's us: the customer list already made our relationship.
                }
                let r = reseller_for(ctx, &mut ids, file, pid);
                let exists = ctx
                    .scenario
                    .links()
                    .any(|l| l.kind == LinkKind::Reseller && l.from == r && l.to == cid);
                if !exists {
                    undated_reseller_links += 1;
                    let mut link = Link::new("", LinkKind::Reseller, r, cid, default_date);
                    if partner.kind == PartyKind::IndirectProvider {
                        link.via = Some(me_id);
                    }
                    push_link(ctx, &mut ids, file, link);
                }
            }
        }
        // The billing files' resellers of record: each sells to its customers, via you.
        let mut reseller_pairs: BTreeSet<(PartyId, PartyId)> = BTreeSet::new();
        if !self.billing.is_empty() {
            reseller_pairs.extend(
                ctx.scenario
                    .links()
                    .filter(|l| l.kind == LinkKind::Reseller)
                    .map(|l| (l.from, l.to)),
            );
        }
        for b in &self.billing {
            let Some(pid) = b
                .reseller
                .as_deref()
                .filter(|p| own_id.as_deref() != Some(*p))
            else {
                continue;
            };
            let Some(cid) = customers.get(&b.tenant).cloned() else {
                continue;
            };
            let r = reseller_for(ctx, &mut ids, &b.file, pid);
            if reseller_pairs.insert((r, cid)) {
                undated_reseller_links += 1;
                let mut link = Link::new("", LinkKind::Reseller, r, cid, default_date);
                if partner.kind == PartyKind::IndirectProvider {
                    link.via = Some(me_id);
                }
                push_link(ctx, &mut ids, &b.file, link);
            }
        }
        if undated_reseller_links > 0 {
            ctx.notes.push(format!(
                "{}: Partner Center gives no date; dated {default_date}",
                crate::text::count(
                    undated_reseller_links,
                    "reseller relationship",
                    "reseller relationships"
                )
            ));
        }

        // Subscriptions: purchases.
        let mut skipped = 0;
        let mut subscription_ids: BTreeSet<String> = BTreeSet::new();
        let mut used_orders = BTreeSet::new();
        for (tenant, file, items) in &self.subscriptions {
            let Some(cid) = customer_of(ctx, file, tenant) else {
                continue;
            };
            for (i, item) in items.iter().enumerate() {
                if let Some(id) = s(item, "/id") {
                    subscription_ids.insert(id.to_ascii_lowercase());
                }
                let status = s(item, "/status").map(fold).unwrap_or_default();
                if matches!(status.as_str(), "deleted" | "expired") {
                    skipped += 1;
                    continue;
                }
                let date = match s(item, "/creationDate")
                    .or(s(item, "/effectiveStartDate"))
                    .map(|d| parse_date(d, DateOrder::Ask))
                {
                    Some(Ok(d)) => d,
                    Some(Err(e)) => {
                        ctx.errors.push(
                            file,
                            None,
                            format!("subscription #{} `creationDate` {e}", i + 1),
                        );
                        continue;
                    }
                    None => {
                        ctx.errors.push(
                            file,
                            None,
                            format!("subscription #{} has no `creationDate`", i + 1),
                        );
                        continue;
                    }
                };
                let ours = |pid: &str| {
                    partner
                        .partner_id
                        .as_deref()
                        .is_some_and(|own| same_partner_id(own, pid))
                };
                let seller = match s(item, "/partnerId") {
                    Some(pid) if !ours(pid) => reseller_for(ctx, &mut ids, file, pid),
                    _ => me_id,
                };
                let mut link = Link::new("", LinkKind::Purchase, seller, cid, date);
                // The PartnerID on record: the order line's `partnerIdOnRecord` when an order
                // names this subscription, else the subscription's `partnerId`.
                let ordered = s(item, "/id")
                    .and_then(|id| self.on_record.get(&id.to_ascii_lowercase()))
                    .map(|(_, pid)| pid.as_str());
                if let Some(id) = s(item, "/id") {
                    used_orders.insert(id.to_ascii_lowercase());
                }
                link.partner_id_on_record = ordered.or(s(item, "/partnerId")).map(SharedText::from);
                link.offer = s(item, "/offerName")
                    .or(s(item, "/friendlyName"))
                    .or(s(item, "/offerId"))
                    .map(SharedText::from);
                if seller != me_id {
                    link.via = Some(me_id);
                }
                push_link(ctx, &mut ids, file, link);
            }
        }
        // The billing files' subscriptions: one purchase each, however many charge lines it has
        // (one also in a subscriptions body was made from that body above).
        for b in &self.billing {
            if !subscription_ids.insert(b.id.to_ascii_lowercase()) {
                continue;
            }
            let Some(cid) = customer_of(ctx, &b.file, &b.tenant) else {
                continue;
            };
            let Some(date) = b.date else {
                ctx.errors.push(
                    &b.file,
                    Some(b.line),
                    format!(
                        "subscription {} has no date on any of its lines (SubscriptionStartDate, \
                         ChargeStartDate, OrderDate or UsageDate)",
                        b.id
                    ),
                );
                continue;
            };
            let seller = match b.reseller.as_deref() {
                Some(pid) if own_id.as_deref() != Some(pid) => {
                    reseller_for(ctx, &mut ids, &b.file, pid)
                }
                _ => me_id,
            };
            let mut link = Link::new("", LinkKind::Purchase, seller, cid, date);
            // The PartnerID on record: an order line's for this subscription, else the reseller
            // of record on its charge lines.
            let key = b.id.to_ascii_lowercase();
            link.partner_id_on_record = self
                .on_record
                .get(&key)
                .map(|(_, pid)| pid.clone())
                .or_else(|| b.reseller.clone())
                .map(SharedText::from);
            used_orders.insert(key);
            link.offer = b.offer.as_deref().map(SharedText::from);
            if b.third_party {
                link.publisher = crate::model::Publisher::ThirdParty;
            }
            if seller != me_id {
                link.via = Some(me_id);
            }
            push_link(ctx, &mut ids, &b.file, link);
        }
        if self.billing_lines > 0 {
            ctx.notes.push(format!(
                "{} of the billing files read as {}",
                crate::text::count(self.billing_lines, "charge line", "charge lines"),
                crate::text::count(self.billing.len(), "subscription", "subscriptions")
            ));
        }
        let unmatched: Vec<&String> = self
            .on_record
            .keys()
            .filter(|k| !used_orders.contains(*k))
            .collect();
        if !unmatched.is_empty() {
            ctx.notes.push(format!(
                "{} for a subscription that is not in the subscriptions files ({}): its \
                 `partnerIdOnRecord` is not recorded",
                crate::text::count(unmatched.len(), "order line", "order lines"),
                short_list(&unmatched.iter().map(|k| (*k).clone()).collect::<Vec<_>>())
            ));
        }
        if skipped > 0 {
            ctx.notes.push(format!(
                "{} left out",
                crate::text::count(
                    skipped,
                    "deleted or expired subscription",
                    "deleted or expired subscriptions"
                )
            ));
        }
    }
}

/// The country of a party: its own when Partner Center gives one (code or English name), else the
/// signed-in partner's (the caller says so in the summary).
fn country_or(
    ctx: &mut Context,
    file: &str,
    given: Option<&str>,
    partner: &SignedInPartner,
    assumed: &mut dyn FnMut(),
) -> String {
    match given.map(parse_country) {
        Some(Ok(c)) => c,
        Some(Err(e)) => {
            ctx.errors.push(file, None, format!("country {e}"));
            partner.country.clone()
        }
        None => {
            assumed();
            partner.country.clone()
        }
    }
}

fn short_list(names: &[String]) -> String {
    const SHOWN: usize = 5;
    let mut out = names
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > SHOWN {
        out.push_str(&format!(" and {} more", names.len() - SHOWN));
    }
    out
}

/// Checks a company name against the model's bounds where it is read, so the error names the
/// file, line and column (the whole-channel build later knows none of them). `at` finds the line
/// and column (0 when only the line is known); it is asked only for a name that does not fit, since
/// finding a place in a JSON text reads the text up to it (asked for every customer of a list, that
/// made the import quadratic: 30,000 customers took 292 s).
fn name_fits(
    file: &str,
    at: impl FnOnce() -> Option<(u64, u64)>,
    name: &str,
    ctx: &mut Context,
) -> bool {
    match crate::model::limits::check_text(
        "name",
        name,
        crate::model::limits::MAX_NAME_CHARS,
        false,
    ) {
        Ok(()) => true,
        Err(e) => {
            let (line, column) = match at() {
                Some((line, column)) => (Some(line), (column > 0).then_some(column)),
                None => (None, None),
            };
            ctx.errors.push_at(
                file,
                line,
                column,
                format!("the company name {}", e.message),
            );
            false
        }
    }
}

/// The 1-based line and column of the first place `value` is written as a JSON string in `text`
/// (an id, to point at its record), if it is.
fn json_position(text: &str, value: &str) -> Option<(u64, u64)> {
    let quoted = serde_json::to_string(value).ok()?;
    let at = text.find(&quoted)?;
    let before = &text[..at];
    let line = before.matches('\n').count() as u64 + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u64 + 1;
    Some((line, column))
}

/// Adds a party made from what `file` says (`--partner` for the signed-in partner); one the model
/// refuses (a name with a control character, say) is an error naming that file.
fn push_party(ctx: &mut Context, file: &str, party: Party) {
    if let Err(e) = ctx.scenario.add_party(party) {
        ctx.errors.push(file, None, e.to_string());
    }
}

/// Adds a link made from what `file` says. A link to a party that was refused is left out without
/// an error of its own: the party's error already says what to fix.
fn push_link(ctx: &mut Context, ids: &mut IdMaker, file: &str, mut link: Link) {
    let missing = |id: &PartyId| ctx.scenario.party(id.as_str()).is_none();
    if missing(&link.from) || missing(&link.to) || link.via.as_ref().is_some_and(missing) {
        return;
    }
    link.id = ids
        .make(&format!("{}-{}-{}", link.kind.key(), link.from, link.to))
        .as_str()
        .into();
    if let Err(e) = ctx.scenario.add_link(link) {
        ctx.errors.push(file, None, e.to_string());
    }
}

/// Readable, unique ids from names: `Müller Gärten GmbH` → `müller-gärten-gmbh`, then `-2`, `-3`.
#[derive(Default)]
struct IdMaker {
    taken: BTreeSet<String>,
}

impl IdMaker {
    fn make(&mut self, name: &str) -> String {
        let mut base = String::new();
        for c in name.chars().flat_map(char::to_lowercase) {
            if c.is_alphanumeric() {
                base.push(c);
            } else if !base.ends_with('-') && !base.is_empty() {
                base.push('-');
            }
        }
        let base = base.trim_end_matches('-').to_owned();
        let base = if base.is_empty() {
            "party".to_owned()
        } else {
            base
        };
        let mut id = base.clone();
        let mut n = 2;
        while !self.taken.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        id
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Options, Source, import};
    use super::*;
    use crate::rules::RuleId;

    const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/partner-center");

    fn fixtures() -> Vec<Source> {
        let mut names: Vec<_> = std::fs::read_dir(DIR)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        names.sort();
        names.iter().map(|p| Source::read(p).unwrap()).collect()
    }

    const BILLING: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/partner-center-billing"
    );

    fn billing(name: &str) -> Source {
        Source::read(std::path::Path::new(&format!("{BILLING}/{name}"))).unwrap()
    }

    /// The reconciliation file alone is a channel: customers, resellers of record with their
    /// partnership, one purchase per subscription whatever its charge lines; with the other
    /// Partner Center files the same customer and reseller are one party.
    #[test]
    fn a_reconciliation_file_with_several_charge_lines_per_subscription() {
        let mut partner = contoso();
        partner.partner_id = None;
        let options = Options {
            partner: Some(partner),
            ..Options::default()
        };
        let alone = import(&[billing("invoice-reconciliation.csv")], &options)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            alone.files[0].1,
            format!("{} in UTF-8", PcKind::Reconciliation.label())
        );
        let s = &alone.scenario;
        let purchases: Vec<&Link> = s.links().filter(|l| l.kind == LinkKind::Purchase).collect();
        assert_eq!(purchases.len(), 3, "7 charge lines, 3 subscriptions");
        let me = s.party("contoso-distribution").unwrap();
        assert_eq!(me.partner_id.as_deref(), Some("1000001"), "from MpnId");
        let northwind = s.party("northwind-traders").unwrap();
        assert_eq!(northwind.country.as_deref(), Some("US"));
        let basic = purchases.iter().find(|l| l.to == northwind.id).unwrap();
        assert_eq!(basic.date, "2021-03-15".parse().unwrap());
        assert_eq!(basic.offer.as_deref(), Some("Microsoft 365 Business Basic"));
        assert_eq!(basic.from.as_str(), "partner-4847383");
        assert_eq!(
            basic.via.as_ref().map(|v| v.as_str()),
            Some("contoso-distribution")
        );
        // `10/15/…` is not in this file; its dates are read month first, as Partner Center writes.
        let teams = purchases
            .iter()
            .find(|l| l.to.as_str() == "wingtip-toys")
            .unwrap();
        assert_eq!(teams.date, "2021-10-03".parse().unwrap());
        let backup = purchases
            .iter()
            .find(|l| l.to.as_str() == "alpine-ski-house")
            .unwrap();
        assert_eq!(backup.publisher, crate::model::Publisher::ThirdParty);
        assert_eq!(
            s.party("alpine-ski-house").unwrap().country.as_deref(),
            Some("DE")
        );
        for reseller in ["partner-4847383", "partner-5100200", "partner-6048879"] {
            assert!(
                s.links().any(|l| l.kind == LinkKind::Partnership
                    && l.from.as_str() == "contoso-distribution"
                    && l.to.as_str() == reseller),
                "{reseller} sold through Contoso: a partnership"
            );
            assert!(
                s.links()
                    .any(|l| l.kind == LinkKind::Reseller && l.from.as_str() == reseller),
                "{reseller} resells to its customer"
            );
        }
        let notes = alone.notes.join("\n");
        assert!(
            notes.contains("7 charge lines of the billing files read as 3 subscriptions"),
            "{notes}"
        );

        // With the API bodies and the usage file: Northwind and Fabrikam once each.
        let mut sources = fixtures();
        sources.push(billing("invoice-reconciliation.csv"));
        sources.push(billing("daily-rated-usage.csv"));
        let options = Options {
            partner: Some(contoso()),
            ..Options::default()
        };
        let all = import(&sources, &options).unwrap_or_else(|e| panic!("{e}"));
        let s = &all.scenario;
        assert_eq!(
            s.parties()
                .filter(|p| p.tenant == "0a1b2c3d-0000-4000-8000-000000000001")
                .count(),
            1
        );
        assert_eq!(
            s.parties()
                .filter(|p| p.partner_id.as_deref() == Some("4847383"))
                .count(),
            1,
            "the reseller of record is Fabrikam Solutions of the resellers list"
        );
        let azure = s
            .links()
            .find(|l| l.kind == LinkKind::Purchase && l.offer.as_deref() == Some("Azure plan"))
            .unwrap();
        assert_eq!(azure.from.as_str(), "fabrikam-solutions");
        assert_eq!(azure.to.as_str(), "tailspin-toys");
        assert_eq!(azure.date, "2022-02-01".parse().unwrap());
        assert!(
            all.files
                .iter()
                .any(|(_, k)| k.starts_with(PcKind::DailyUsage.label())),
            "{:?}",
            all.files
        );
    }

    fn contoso() -> SignedInPartner {
        SignedInPartner {
            name: "Contoso Distribution".to_owned(),
            kind: PartyKind::IndirectProvider,
            country: "US".to_owned(),
            partner_id: Some("1000001".to_owned()),
        }
    }

    #[test]
    fn a_full_set_of_api_bodies_becomes_a_channel_whose_check_finds_the_planted_breaks() {
        let options = Options {
            partner: Some(contoso()),
            ..Options::default()
        };
        let imported = import(&fixtures(), &options).unwrap();
        let s = &imported.scenario;
        assert_eq!(
            s.meta.title,
            "Contoso Distribution's channel (Partner Center)"
        );
        let kinds: Vec<&str> = imported.files.iter().map(|(_, k)| k.as_str()).collect();
        assert_eq!(
            kinds,
            [
                PcKind::Agreements.label(),
                PcKind::Subscriptions.label(),
                PcKind::CustomerPartners.label(),
                PcKind::Subscriptions.label(),
                PcKind::Customers.label(),
                PcKind::Resellers.label(),
            ]
        );
        let northwind = s.party("northwind-traders").unwrap();
        assert_eq!(northwind.mca_accepted, Some("2020-11-02".parse().unwrap()));
        assert_eq!(northwind.tenant, "0a1b2c3d-0000-4000-8000-000000000001");
        assert_eq!(
            s.party("wingtip-toys").unwrap().country.as_deref(),
            Some("CA")
        );
        assert_eq!(
            s.party("tailspin-toys").unwrap().country.as_deref(),
            Some("US")
        );
        let fabrikam = s.party("fabrikam-solutions").unwrap();
        assert_eq!(fabrikam.partner_id.as_deref(), Some("4847383"));
        assert!(fabrikam.enrolled);
        let purchase = s
            .links()
            .find(|l| l.kind == LinkKind::Purchase && l.from.as_str() == "fabrikam-solutions")
            .unwrap();
        assert_eq!(purchase.date, "2021-03-15".parse().unwrap());
        assert_eq!(
            purchase.offer.as_deref(),
            Some("Microsoft 365 Business Basic")
        );
        assert_eq!(
            purchase.via.as_ref().map(|v| v.as_str()),
            Some("contoso-distribution")
        );
        assert!(s.party("partner-9999001").is_some());
        let notes = imported.notes.join("\n");
        assert!(notes.contains("Tailspin Toys"), "{notes}");
        assert!(notes.contains("no Microsoft Customer Agreement"), "{notes}");
        assert!(notes.contains("PartnerID 9999001"), "{notes}");
        assert!(notes.contains("gives no date"), "{notes}");

        let findings = crate::rules::check_as_of(s, "2022-01-01".parse().unwrap());
        let rules: BTreeSet<RuleId> = findings.iter().map(|f| f.rule).collect();
        // Litware's partnership is pending; Wingtip and Tailspin have no MCA date; the Teams
        // subscription's reseller of record (9999001) is not one of Contoso's resellers.
        assert!(rules.contains(&RuleId::PartnershipPending), "{rules:?}");
        let no_mca = findings
            .iter()
            .filter(|f| f.rule == RuleId::McaMissing)
            .filter(|f| f.message.contains("Wingtip") || f.message.contains("Tailspin"))
            .count();
        assert!(no_mca >= 1, "{findings:#?}");
        let unknown_reseller = findings.iter().any(|f| {
            f.message.contains("PartnerID 9999001")
                || f.path.iter().any(|p| p.as_str() == "partner-9999001")
        });
        assert!(unknown_reseller, "{findings:#?}");
    }

    /// An order's `partnerIdOnRecord` reaches the purchase made from its subscription, and a
    /// subscription without an order keeps its `partnerId`; the customer list's upper-case tenant
    /// GUID and the subscriptions' lower-case one are one customer.
    #[test]
    fn the_partner_id_on_record_comes_from_the_order_line_or_the_subscription() {
        let source = |name: &str, text: &str| Source {
            name: name.to_owned(),
            bytes: text.as_bytes().to_vec(),
        };
        let customers = r#"{"items": [{"id": "0A1B2C3D-0000-4000-8000-000000000009",
            "companyProfile": {"companyName": "Adventure Works"},
            "billingProfile": {"defaultAddress": {"country": "US"}},
            "relationshipToPartner": "reseller", "associatedPartnerId": "4847383",
            "attributes": {"objectType": "Customer"}}]}"#;
        let resellers = r#"{"items": [{"id": "5e5e5e5e-0000-4000-8000-00000000000a",
            "name": "Fabrikam Solutions", "relationshipType": "IsIndirectCloudSolutionProviderOf",
            "state": "Active", "mpnId": "4847383", "location": "US",
            "attributes": {"objectType": "PartnerRelationship"}}]}"#;
        let subscriptions = r#"{"items": [
            {"id": "A0A0A0A0-0000-4000-8000-000000000011", "offerId": "X", "offerName": "Ordered",
             "creationDate": "2021-09-20", "status": "active", "partnerId": "4847383"},
            {"id": "a0a0a0a0-0000-4000-8000-000000000012", "offerId": "Y", "offerName": "Unordered",
             "creationDate": "2021-09-20", "status": "active", "partnerId": "4847383"}],
            "links": {"self": {"uri": "/customers/0a1b2c3d-0000-4000-8000-000000000009/subscriptions"}}}"#;
        let orders = r#"{"items": [{"id": "o1", "lineItems": [
            {"lineItemNumber": 0, "offerId": "X", "subscriptionId": "a0a0a0a0-0000-4000-8000-000000000011",
             "partnerIdOnRecord": "1000001"},
            {"lineItemNumber": 1, "offerId": "Z", "subscriptionId": "a0a0a0a0-0000-4000-8000-000000000099",
             "partnerIdOnRecord": "4847383"}],
            "attributes": {"objectType": "Order"}}]}"#;
        let imported = import(
            &[
                source("customers.json", customers),
                source("resellers.json", resellers),
                source("subscriptions.json", subscriptions),
                source("orders.json", orders),
            ],
            &Options {
                partner: Some(contoso()),
                ..Options::default()
            },
        )
        .unwrap();
        let s = &imported.scenario;
        let on_record = |offer: &str| {
            s.links()
                .find(|l| l.offer.as_deref() == Some(offer))
                .and_then(|l| l.partner_id_on_record)
        };
        assert_eq!(on_record("Ordered").as_deref(), Some("1000001"));
        assert_eq!(on_record("Unordered").as_deref(), Some("4847383"));
        assert_eq!(
            s.party("adventure-works").unwrap().tenant,
            "0a1b2c3d-0000-4000-8000-000000000009"
        );
        let notes = imported.notes.join("\n");
        assert!(notes.contains("1 order line for a subscription"), "{notes}");
        let ordered = s
            .links()
            .find(|l| l.offer.as_deref() == Some("Ordered"))
            .unwrap();
        let on_it: Vec<RuleId> = crate::rules::check_as_of(s, "2022-01-01".parse().unwrap())
            .into_iter()
            .filter(|f| f.subject == crate::rules::Subject::Link(ordered.id))
            .map(|f| f.rule)
            .collect();
        assert!(
            on_it.contains(&RuleId::PartnerIdOnRecordIsProvider),
            "the order carries Contoso's own PartnerID: {on_it:?}"
        );
    }

    #[test]
    fn a_refused_name_is_an_error_naming_its_file_without_a_cascade() {
        // Found by tests/fuzz.rs: the error named "(Partner Center data)", and the customer's
        // reseller relationship failed again for the missing party.
        let csv = "Microsoft ID,Company name,Primary domain name,Country/Region\n\
                   0a1b2c3d-0000-4000-8000-000000000001,North\u{0}wind,northwind.example,US\n";
        let err = import(
            &[Source {
                name: "customers.csv".to_owned(),
                bytes: csv.as_bytes().to_vec(),
            }],
            &Options {
                partner: Some(contoso()),
                ..Options::default()
            },
        )
        .unwrap_err();
        assert_eq!(err.0.len(), 1, "{err}");
        assert_eq!(err.0[0].file, "customers.csv", "{err}");
        assert!(err.0[0].message.contains("control character"), "{err}");
    }

    #[test]
    fn partner_center_data_needs_the_signed_in_partner() {
        let err = import(&fixtures(), &Options::default()).unwrap_err();
        assert!(err.to_string().contains("--partner NAME"), "{err}");
        // The app's preview asks for it instead, with the country of most customers (of the tie
        // between US and CA, the first listed).
        let p = super::super::preview(&fixtures(), &Options::default());
        assert!(p.needs_partner);
        assert_eq!(p.suggested_country.as_deref(), Some("US"));
    }

    #[test]
    fn a_per_customer_body_without_a_customer_is_an_error_naming_the_fix() {
        let body = r#"{"items":[{"dateAgreed":"2020-01-01T00:00:00","type":"MicrosoftCustomerAgreement"}]}"#;
        let err = import(
            &[Source {
                name: "agreements.json".to_owned(),
                bytes: body.as_bytes().to_vec(),
            }],
            &Options {
                partner: Some(contoso()),
                ..Options::default()
            },
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("<customer-id>-agreements.json"),
            "{err}"
        );
    }
}
