//! The operation window (move customers, change provider, end partnerships, go indirect, DAP to
//! GDAP) and the plan window: a form filled from the selection, its preview, and Apply. Must not
//! change the document or work out an operation: it returns commands, the what-if part previews
//! and applies them through `whatif::operation`.

use super::WhatIfCommand;
use crate::model::{Date, PartyId, PartyKind, Scenario};
use crate::rules::{Finding, RuleId, Severity};
use crate::ui::document::Document;
use crate::ui::style::{self, severity_symbol, severity_text, valid_text};
use crate::whatif::operation::{Customers, Operation, Refusal, Resellers, resolve_party};
use crate::whatif::{Plan, Preview};
use egui::RichText;
use std::collections::{BTreeMap, BTreeSet};

/// The five operations, as the window offers them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OperationKind {
    /// Move customers to another seller.
    MoveCustomers,
    /// A reseller changes provider.
    ChangeProvider,
    /// A provider ends partnerships.
    EndPartnerships,
    /// A direct-bill partner goes indirect.
    GoIndirect,
    /// DAP links become GDAP.
    DapToGdap,
}

impl OperationKind {
    /// Every operation, in the order the buttons show them.
    pub const ALL: [OperationKind; 5] = [
        OperationKind::MoveCustomers,
        OperationKind::ChangeProvider,
        OperationKind::EndPartnerships,
        OperationKind::GoIndirect,
        OperationKind::DapToGdap,
    ];

    /// The button's words.
    pub fn title(self) -> &'static str {
        match self {
            OperationKind::MoveCustomers => "Move customers",
            OperationKind::ChangeProvider => "Change provider",
            OperationKind::EndPartnerships => "End partnerships",
            OperationKind::GoIndirect => "Direct-bill goes indirect",
            OperationKind::DapToGdap => "DAP to GDAP",
        }
    }

    /// What it does, for the button's tooltip.
    pub fn hint(self) -> &'static str {
        match self {
            OperationKind::MoveCustomers => {
                "The selected customers leave their seller for another on a date"
            }
            OperationKind::ChangeProvider => {
                "The selected reseller leaves its provider for another on a date"
            }
            OperationKind::EndPartnerships => {
                "A provider ends its partnerships with the selected resellers (or a country's, a region's)"
            }
            OperationKind::GoIndirect => {
                "The selected direct-bill partner is restricted and goes on as an indirect reseller"
            }
            OperationKind::DapToGdap => "The selected partner's DAP links become GDAP links",
        }
    }
}

/// Which of a provider's resellers the End partnerships form means.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ResellerScope {
    /// The resellers selected on the canvas.
    #[default]
    Selected,
    /// Every reseller of the provider in a country.
    Country,
    /// Every reseller of the provider in a CSP region.
    Region,
}

/// Which of a seller's customers the Move customers form means.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CustomerScope {
    /// The customers selected on the canvas.
    #[default]
    Selected,
    /// Every customer of the seller on the date.
    All,
    /// Every customer of the seller in a country.
    Country,
    /// Every customer of the seller in a CSP region.
    Region,
}

/// The operation window's form: one set of fields, read by the kind of operation.
#[derive(Clone, Debug)]
pub struct OperationForm {
    /// Which operation.
    pub kind: OperationKind,
    /// The date, as typed.
    pub on: String,
    /// Move: the seller they leave. Change provider: the reseller. End partnerships: the provider.
    /// Go indirect and DAP to GDAP: the partner.
    pub party: String,
    /// Move: the seller they go to. Change provider: the provider it leaves. Go indirect: the
    /// provider.
    pub other: String,
    /// Change provider: the provider it goes to.
    pub third: String,
    /// Move: the customers selected.
    pub customers: Vec<PartyId>,
    /// Move: which customers (the selected ones, all, a country's or a region's).
    pub customer_scope: CustomerScope,
    /// Move: admin relationships move too.
    pub admin: bool,
    /// End partnerships: the resellers selected.
    pub resellers: Vec<PartyId>,
    /// End partnerships: which resellers.
    pub scope: ResellerScope,
    /// Move and End partnerships: the country or region.
    pub place: String,
    /// Go indirect: on a new tenant.
    pub new_tenant: bool,
    /// Go indirect: move the purchases too.
    pub move_purchases: bool,
    /// DAP to GDAP: the roles, comma-separated.
    pub roles: String,
    /// DAP to GDAP: the duration in days.
    pub days: String,
    /// The last preview: of which operation, at which document revision, and what it found.
    pub preview: Option<(Operation, u64, Result<Preview, Refusal>)>,
}

impl OperationForm {
    /// A form for `kind`, filled as far as the selection allows: the customers selected and their
    /// seller, the reseller selected and its provider, the partner selected. `focused` is the party
    /// in the inspector, if any.
    pub fn from_selection(
        kind: OperationKind,
        s: &Scenario,
        focused: Option<&PartyId>,
        selected: &BTreeSet<PartyId>,
    ) -> Self {
        let on = s.as_of();
        let of_kind = |kinds: &[PartyKind]| -> Vec<PartyId> {
            focused
                .into_iter()
                .chain(selected.iter())
                .filter(|id| {
                    s.party(id.as_str())
                        .is_some_and(|p| kinds.contains(&p.kind))
                })
                .cloned()
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect()
        };
        let first = |kinds: &[PartyKind]| {
            focused
                .filter(|id| {
                    s.party(id.as_str())
                        .is_some_and(|p| kinds.contains(&p.kind))
                })
                .cloned()
                .or_else(|| of_kind(kinds).into_iter().next())
                .map(|p| p.to_string())
                .unwrap_or_default()
        };
        let mut form = OperationForm {
            kind,
            on: on.to_string(),
            party: String::new(),
            other: String::new(),
            third: String::new(),
            customers: Vec::new(),
            customer_scope: CustomerScope::Selected,
            admin: true,
            resellers: Vec::new(),
            scope: ResellerScope::Selected,
            place: String::new(),
            new_tenant: false,
            move_purchases: true,
            roles: "Helpdesk Administrator, License Administrator".to_owned(),
            days: crate::rules::MAX_GDAP_DAYS.to_string(),
            preview: None,
        };
        match kind {
            OperationKind::MoveCustomers => {
                form.customers = of_kind(&[PartyKind::Customer]);
                // The seller they share (most of them, when they have several).
                let mut sellers: BTreeMap<&PartyId, usize> = BTreeMap::new();
                for c in &form.customers {
                    let mine: BTreeSet<&PartyId> = s
                        .links_to(c.as_str())
                        .filter(|l| {
                            matches!(
                                l.kind,
                                crate::model::LinkKind::Purchase | crate::model::LinkKind::Reseller
                            ) && l.exists_at(on)
                                && s.party(l.from.as_str()).is_some_and(|p| {
                                    matches!(
                                        p.kind,
                                        PartyKind::IndirectReseller | PartyKind::DirectBill
                                    )
                                })
                        })
                        .map(|l| &l.from)
                        .collect();
                    for seller in mine {
                        *sellers.entry(seller).or_default() += 1;
                    }
                }
                let seller_selected = first(&[PartyKind::IndirectReseller, PartyKind::DirectBill]);
                form.party = sellers
                    .iter()
                    .max_by_key(|(id, n)| (**n, std::cmp::Reverse(**id)))
                    .map(|(id, _)| id.to_string())
                    .unwrap_or(seller_selected);
                if form.customers.is_empty() {
                    form.customer_scope = CustomerScope::All;
                }
            }
            OperationKind::ChangeProvider => {
                form.party = first(&[PartyKind::IndirectReseller]);
                form.other = providers_of(s, &form.party, on)
                    .into_iter()
                    .next()
                    .map(|p| p.to_string())
                    .unwrap_or_default();
            }
            OperationKind::EndPartnerships => {
                form.resellers = of_kind(&[PartyKind::IndirectReseller]);
                let provider = first(&[PartyKind::IndirectProvider]);
                form.party = if provider.is_empty() {
                    // The provider the selected resellers share.
                    form.resellers
                        .first()
                        .and_then(|r| {
                            providers_of(s, r.as_str(), on).into_iter().find(|p| {
                                form.resellers
                                    .iter()
                                    .all(|r| providers_of(s, r.as_str(), on).contains(p))
                            })
                        })
                        .map(|p| p.to_string())
                        .unwrap_or_default()
                } else {
                    provider
                };
            }
            OperationKind::GoIndirect => {
                form.party = first(&[PartyKind::DirectBill]);
            }
            OperationKind::DapToGdap => {
                form.party = first(&[
                    PartyKind::IndirectReseller,
                    PartyKind::DirectBill,
                    PartyKind::IndirectProvider,
                ]);
            }
        }
        form
    }

    /// The operation the form asks for, its parties resolved by id or exact name.
    pub fn operation(&self, s: &Scenario) -> Result<Operation, String> {
        let on: Date = crate::ui::panels::parse_date(&self.on)
            .ok_or_else(|| format!("“{}” is not a date: write it YYYY-MM-DD", self.on.trim()))?;
        let party = |text: &str, what: &str| -> Result<PartyId, String> {
            if text.trim().is_empty() {
                return Err(format!("choose {what}"));
            }
            resolve_party(s, text.trim())
        };
        Ok(match self.kind {
            OperationKind::MoveCustomers => Operation::MoveCustomers {
                from: party(&self.party, "the seller they leave")?,
                to: party(&self.other, "the seller they go to")?,
                customers: match self.customer_scope {
                    CustomerScope::Selected => Customers::Only(self.customers.clone()),
                    CustomerScope::All => Customers::All,
                    CustomerScope::Country => Customers::Country(self.place.trim().to_owned()),
                    CustomerScope::Region => Customers::Region(self.place.trim().to_owned()),
                },
                admin: self.admin,
                on,
            },
            OperationKind::ChangeProvider => Operation::ChangeProvider {
                reseller: party(&self.party, "the reseller")?,
                from: party(&self.other, "the provider it leaves")?,
                to: party(&self.third, "the provider it goes to")?,
                on,
            },
            OperationKind::EndPartnerships => Operation::EndPartnerships {
                provider: party(&self.party, "the provider")?,
                resellers: match self.scope {
                    ResellerScope::Selected => Resellers::Only(self.resellers.clone()),
                    ResellerScope::Country => Resellers::Country(self.place.trim().to_owned()),
                    ResellerScope::Region => Resellers::Region(self.place.trim().to_owned()),
                },
                on,
            },
            OperationKind::GoIndirect => Operation::GoIndirect {
                partner: party(&self.party, "the direct-bill partner")?,
                provider: party(&self.other, "the provider")?,
                new_tenant: self.new_tenant,
                move_purchases: self.move_purchases,
                on,
            },
            OperationKind::DapToGdap => Operation::DapToGdap {
                partner: party(&self.party, "the partner")?,
                roles: self
                    .roles
                    .split([',', ';'])
                    .map(|r| r.trim().to_owned())
                    .filter(|r| !r.is_empty())
                    .collect(),
                days: self
                    .days
                    .trim()
                    .parse()
                    .map_err(|_| format!("“{}” is not a number of days", self.days.trim()))?,
                on,
            },
        })
    }
}

/// The providers `reseller` has an accepted partnership with on `on`, by id.
fn providers_of(s: &Scenario, reseller: &str, on: Date) -> Vec<PartyId> {
    let mut out: Vec<PartyId> = s
        .links_to(reseller)
        .filter(|l| {
            l.kind == crate::model::LinkKind::Partnership
                && l.exists_at(on)
                && s.party(l.from.as_str())
                    .is_some_and(|p| p.kind == PartyKind::IndirectProvider)
        })
        .map(|l| l.from)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// How many reasons of a refusal the window lists.
const REASONS_SHOWN: usize = 50;

/// How many suggestions a party field lists while what is typed names no party.
const SUGGESTIONS: usize = 8;

/// A party field: the id or exact name typed, what it resolves to, and while it resolves to
/// nothing, the parties of `kinds` whose name or id contains it (click one to take it).
fn party_field(
    ui: &mut egui::Ui,
    hint: &str,
    value: &mut String,
    s: &Scenario,
    kinds: &[PartyKind],
) {
    ui.add(
        egui::TextEdit::singleline(value)
            .hint_text(hint)
            .desired_width(260.0),
    );
    let text = value.trim().to_owned();
    if text.is_empty() {
        return;
    }
    match resolve_party(s, &text) {
        Ok(id) => {
            if let Some(p) = s.party(id.as_str()) {
                ui.label(RichText::new(format!("✔ {} ({}, {})", p.name, p.kind, p.id)).weak());
            }
        }
        Err(_) => {
            let needle = text.to_lowercase();
            let found: Vec<(String, PartyId)> = kinds
                .iter()
                .flat_map(|k| s.parties_of_kind(*k))
                .filter(|p| {
                    p.name.to_lowercase().contains(&needle)
                        || p.id.as_str().to_lowercase().contains(&needle)
                })
                .take(SUGGESTIONS)
                .map(|p| (format!("{} ({})", p.name, p.id), p.id))
                .collect();
            if found.is_empty() {
                ui.colored_label(ui.visuals().error_fg_color, format!("No party “{text}”"));
            }
            for (label, id) in found {
                if ui.selectable_label(false, label).clicked() {
                    *value = id.to_string();
                }
            }
        }
    }
}

/// A choice among the providers (a channel has a few dozen), each with its country.
fn provider_combo(ui: &mut egui::Ui, salt: &str, value: &mut String, s: &Scenario) {
    let shown = s
        .party(value.trim())
        .map_or("choose a provider…".to_owned(), |p| p.name.clone());
    egui::ComboBox::from_id_salt(salt)
        .selected_text(shown)
        .width(260.0)
        .show_ui(ui, |ui| {
            for p in s.parties_of_kind(PartyKind::IndirectProvider) {
                let label = format!(
                    "{} ({})",
                    p.name,
                    p.country.as_deref().unwrap_or("no country")
                );
                ui.selectable_value(value, p.id.to_string(), label);
            }
        });
}

/// The operation window: the form, the preview and Apply. Closing it drops the form.
pub fn operation_ui(
    ctx: &egui::Context,
    form: &mut Option<OperationForm>,
    doc: &Document,
) -> Vec<WhatIfCommand> {
    let mut out = Vec::new();
    let Some(f) = form.as_mut() else {
        return out;
    };
    let s = doc.scenario();
    let mut open = true;
    egui::Window::new(f.kind.title())
        .id(egui::Id::new("operation-window"))
        .open(&mut open)
        .default_width(520.0)
        .show(ctx, |ui| {
            ui.label(RichText::new(f.kind.hint()).weak());
            egui::Grid::new("operation-grid")
                .num_columns(2)
                .show(ui, |ui| fields_ui(ui, f, s));
            ui.separator();
            let operation = f.operation(s);
            if let Err(why) = &operation {
                ui.colored_label(ui.visuals().error_fg_color, why);
            }
            let previewed = match (&operation, &f.preview) {
                (Ok(op), Some((was, revision, result)))
                    if was == op && *revision == doc.revision() =>
                {
                    Some(result)
                }
                _ => None,
            };
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(operation.is_ok(), egui::Button::new("🔍 Preview"))
                    .on_hover_text("What it ends and makes, and the findings it brings and takes away")
                    .clicked()
                    && let Ok(op) = &operation
                {
                    out.push(WhatIfCommand::PreviewOperation(op.clone()));
                }
                let ready = matches!(previewed, Some(Ok(_)));
                if ui
                    .add_enabled(ready, egui::Button::new("✔ Apply as one step"))
                    .on_hover_text(
                        "Apply it in a what-if (forked now if none is open): one undo step, recorded in the plan",
                    )
                    .clicked()
                    && let Ok(op) = &operation
                {
                    out.push(WhatIfCommand::Operate(op.clone()));
                }
            });
            match previewed {
                None if f.preview.is_some() => {
                    ui.label(RichText::new("The form or the channel changed: preview again.").weak());
                }
                None => {
                    ui.label(RichText::new("Preview it before applying.").weak());
                }
                Some(Err(refusal)) => {
                    ui.colored_label(
                        ui.visuals().error_fg_color,
                        format!("{} cannot apply, and changes nothing:", refusal.operation),
                    );
                    egui::ScrollArea::vertical()
                        .id_salt("refusal")
                        .max_height(200.0)
                        .show(ui, |ui| {
                            for reason in refusal.reasons.iter().take(REASONS_SHOWN) {
                                ui.label(format!("• {reason}"));
                            }
                            if refusal.reasons.len() > REASONS_SHOWN {
                                ui.label(format!(
                                    "… and {} more",
                                    refusal.reasons.len() - REASONS_SHOWN
                                ));
                            }
                        });
                }
                Some(Ok(p)) => preview_ui(ui, p),
            }
        });
    if !open {
        *form = None;
    }
    out
}

/// The form's fields for its kind of operation.
fn fields_ui(ui: &mut egui::Ui, f: &mut OperationForm, s: &Scenario) {
    let sellers = [PartyKind::IndirectReseller, PartyKind::DirectBill];
    match f.kind {
        OperationKind::MoveCustomers => {
            ui.label("From (seller)");
            ui.vertical(|ui| {
                party_field(
                    ui,
                    "seller they leave (id or name)",
                    &mut f.party,
                    s,
                    &sellers,
                )
            });
            ui.end_row();
            ui.label("Customers");
            ui.vertical(|ui| {
                let n = f.customers.len();
                ui.radio_value(
                    &mut f.customer_scope,
                    CustomerScope::Selected,
                    format!("the {} selected", style::count(n, "customer", "customers")),
                );
                ui.radio_value(
                    &mut f.customer_scope,
                    CustomerScope::All,
                    "every customer of the seller on the date",
                );
                ui.radio_value(
                    &mut f.customer_scope,
                    CustomerScope::Country,
                    "its customers in a country",
                );
                ui.radio_value(
                    &mut f.customer_scope,
                    CustomerScope::Region,
                    "its customers in a CSP region",
                );
                place_field(
                    ui,
                    f.customer_scope == CustomerScope::Country,
                    match f.customer_scope {
                        CustomerScope::Country | CustomerScope::Region => Some(&mut f.place),
                        _ => None,
                    },
                );
            });
            ui.end_row();
            ui.label("To (seller)");
            ui.vertical(|ui| {
                party_field(
                    ui,
                    "seller they go to (id or name)",
                    &mut f.other,
                    s,
                    &sellers,
                )
            });
            ui.end_row();
            ui.label("Admin access");
            ui.checkbox(
                &mut f.admin,
                "moves too (GDAP with the same roles and duration)",
            );
            ui.end_row();
        }
        OperationKind::ChangeProvider => {
            ui.label("Reseller");
            ui.vertical(|ui| {
                party_field(
                    ui,
                    "reseller (id or name)",
                    &mut f.party,
                    s,
                    &[PartyKind::IndirectReseller],
                )
            });
            ui.end_row();
            ui.label("Leaves");
            provider_combo(ui, "operation-from-provider", &mut f.other, s);
            ui.end_row();
            ui.label("For");
            provider_combo(ui, "operation-to-provider", &mut f.third, s);
            ui.end_row();
        }
        OperationKind::EndPartnerships => {
            ui.label("Provider");
            provider_combo(ui, "operation-provider", &mut f.party, s);
            ui.end_row();
            ui.label("With");
            ui.vertical(|ui| {
                let n = f.resellers.len();
                ui.radio_value(
                    &mut f.scope,
                    ResellerScope::Selected,
                    format!("the {} selected", style::count(n, "reseller", "resellers")),
                );
                ui.radio_value(
                    &mut f.scope,
                    ResellerScope::Country,
                    "its resellers in a country",
                );
                ui.radio_value(
                    &mut f.scope,
                    ResellerScope::Region,
                    "its resellers in a CSP region",
                );
                place_field(
                    ui,
                    f.scope == ResellerScope::Country,
                    match f.scope {
                        ResellerScope::Country | ResellerScope::Region => Some(&mut f.place),
                        ResellerScope::Selected => None,
                    },
                );
            });
            ui.end_row();
        }
        OperationKind::GoIndirect => {
            ui.label("Direct-bill partner");
            ui.vertical(|ui| {
                party_field(
                    ui,
                    "direct-bill partner (id or name)",
                    &mut f.party,
                    s,
                    &[PartyKind::DirectBill],
                )
            });
            ui.end_row();
            ui.label("Provider");
            provider_combo(ui, "operation-indirect-provider", &mut f.other, s);
            ui.end_row();
            ui.label("Tenant");
            ui.vertical(|ui| {
                ui.radio_value(
                    &mut f.new_tenant,
                    false,
                    "its direct-bill tenant (restricted first)",
                );
                ui.radio_value(&mut f.new_tenant, true, "a new tenant");
            });
            ui.end_row();
            ui.label("Purchases");
            ui.checkbox(
                &mut f.move_purchases,
                "move to the new reseller, billed by the provider",
            );
            ui.end_row();
        }
        OperationKind::DapToGdap => {
            ui.label("Partner");
            ui.vertical(|ui| {
                party_field(
                    ui,
                    "partner (id or name)",
                    &mut f.party,
                    s,
                    &[
                        PartyKind::IndirectReseller,
                        PartyKind::DirectBill,
                        PartyKind::IndirectProvider,
                    ],
                )
            });
            ui.end_row();
            ui.label("GDAP roles");
            ui.add(
                egui::TextEdit::singleline(&mut f.roles)
                    .hint_text("least-privileged roles, comma-separated")
                    .desired_width(260.0),
            );
            ui.end_row();
            ui.label("Days");
            ui.add(
                egui::TextEdit::singleline(&mut f.days)
                    .hint_text("1 to 730")
                    .desired_width(60.0),
            );
            ui.end_row();
        }
    }
    ui.label("On");
    ui.add(
        egui::TextEdit::singleline(&mut f.on)
            .hint_text("YYYY-MM-DD")
            .desired_width(100.0),
    )
    .on_hover_text("Links end on this day and the new ones begin on it");
    ui.end_row();
}

/// The country or region field of a scope that asks for one (`place` is `None` otherwise).
fn place_field(ui: &mut egui::Ui, country: bool, place: Option<&mut String>) {
    if let Some(place) = place {
        ui.add(
            egui::TextEdit::singleline(place)
                .hint_text(if country {
                    "country code (BR)"
                } else {
                    "region (LATAM, Europe, …)"
                })
                .desired_width(200.0),
        );
    }
}

/// What a preview found: the sentence, the counts, and the findings by rule.
fn preview_ui(ui: &mut egui::Ui, p: &Preview) {
    ui.label(RichText::new(&p.prepared.summary).strong());
    ui.label(format!("{}.", p.prepared.counts()));
    if let Some(day) = p.prepared.as_of {
        ui.label(
            RichText::new(format!(
                "The what-if is checked as of {day}, the day of the change."
            ))
            .weak(),
        );
    }
    let introduced: Vec<&Finding> = p
        .introduced
        .iter()
        .filter(|f| f.severity != Severity::Note)
        .collect();
    let resolved: Vec<&Finding> = p
        .resolved
        .iter()
        .filter(|f| f.severity != Severity::Note)
        .collect();
    ui.label(
        RichText::new(format!(
            "Findings as of {}: {} introduced, {} resolved",
            p.as_of,
            introduced.len(),
            resolved.len()
        ))
        .strong(),
    );
    let by_rule = |findings: &[&Finding]| {
        let mut rules: BTreeMap<RuleId, (Severity, usize)> = BTreeMap::new();
        for f in findings {
            let e = rules.entry(f.rule).or_insert((f.severity, 0));
            e.0 = e.0.max(f.severity);
            e.1 += 1;
        }
        let mut rules: Vec<(RuleId, Severity, usize)> =
            rules.into_iter().map(|(r, (s, n))| (r, s, n)).collect();
        rules.sort_by_key(|(r, s, n)| (std::cmp::Reverse(*s), std::cmp::Reverse(*n), *r));
        rules
    };
    egui::ScrollArea::vertical()
        .id_salt("preview-findings")
        .max_height(240.0)
        .show(ui, |ui| {
            for (rule, severity, n) in by_rule(&introduced) {
                ui.colored_label(
                    severity_text(ui, severity),
                    format!(
                        "+{n} {} {} ({})",
                        severity_symbol(severity),
                        rule.info().title,
                        rule.key()
                    ),
                );
            }
            for (rule, _, n) in by_rule(&resolved) {
                ui.colored_label(
                    valid_text(ui),
                    format!("✔ −{n} {} ({})", rule.info().title, rule.key()),
                );
            }
        });
}

/// A plan opened to apply: its file, steps, and whether to keep going past a step that does not
/// apply.
#[derive(Clone, Debug)]
pub struct PlanWindow {
    /// Where it was read from.
    pub name: String,
    /// The plan.
    pub plan: Plan,
    /// Skip the steps that do not apply.
    pub keep_going: bool,
    /// What the last run said.
    pub report: Option<String>,
}

/// The plan window: the steps, Keep going, Apply.
pub fn plan_ui(ctx: &egui::Context, window: &mut Option<PlanWindow>) -> Vec<WhatIfCommand> {
    let mut out = Vec::new();
    let Some(w) = window.as_mut() else {
        return out;
    };
    let mut open = true;
    egui::Window::new("Apply a plan")
        .id(egui::Id::new("plan-window"))
        .open(&mut open)
        .default_width(520.0)
        .show(ctx, |ui| {
            ui.label(RichText::new(format!("{}: {}", w.name, w.plan.title)).strong());
            egui::ScrollArea::vertical()
                .id_salt("plan-steps")
                .max_height(240.0)
                .show(ui, |ui| {
                    for (i, step) in w.plan.steps.iter().enumerate() {
                        ui.label(format!("{}. {} on {}", i + 1, step.title(), step.on()));
                    }
                });
            ui.checkbox(
                &mut w.keep_going,
                "Keep going past a step that does not apply",
            )
            .on_hover_text(
                "Otherwise the first step that does not apply stops the plan, and nothing changes",
            );
            if ui
                .button("✔ Apply the plan")
                .on_hover_text(
                    "Each step is one undo step in a what-if (forked now if none is open)",
                )
                .clicked()
            {
                out.push(WhatIfCommand::ApplyPlan);
            }
            if let Some(report) = &w.report {
                ui.separator();
                ui.label(report);
            }
        });
    if !open {
        *window = None;
    }
    out
}
