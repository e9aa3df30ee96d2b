//! Matching native field names to canonical field names: normalised equality, a table of the
//! synonyms real APIs use, and token containment as a last resort.
//!
//! The tables are plain data so adding what a new API calls things is a one-line change.

use super::native::NativeField;
use crate::words::{normalize, words};

/// Native names each canonical field is known by in real APIs, best first. Entries are compared
/// after normalising (lower case, separators dropped), so `updated_date_utc` matches Xero's
/// `UpdatedDateUTC`; a dotted entry such as `contact.name` matches a field and its parent.
const SYNONYMS: &[(&str, &[&str])] = &[
    // stocklevel
    (
        "sku",
        &[
            "sku",
            "item_code",
            "product_code",
            "code",
            "variant_sku",
            "seller_sku",
            "item_number",
            "part_number",
            "article_number",
        ],
    ),
    (
        "quantity",
        &[
            "quantity",
            "qty",
            "on_hand",
            "total_on_hand",
            "available",
            "quantity_on_hand",
            "stock",
            "count_on_hand",
            "stock_quantity",
            "inventory_quantity",
            "quantity_available",
            "available_quantity",
            "units",
        ],
    ),
    (
        "reservedQuantity",
        &[
            "reserved",
            "reserved_quantity",
            "quantity_reserved",
            "committed",
            "allocated",
        ],
    ),
    (
        "locationId",
        &[
            "location_id",
            "warehouse_id",
            "store_id",
            "stock_location_id",
            "inventory_location_id",
            "site_id",
            "location",
            "warehouse",
        ],
    ),
    (
        "locationName",
        &[
            "location_name",
            "warehouse_name",
            "store_name",
            "location.name",
            "warehouse.name",
            "stock_location.name",
        ],
    ),
    (
        "productId",
        &[
            "product_id",
            "variant_id",
            "item_id",
            "inventory_item_id",
            "catalog_object_id",
            "product.id",
            "variant.id",
        ],
    ),
    // contact and company
    (
        "email",
        &[
            "email",
            "email_address",
            "primary_email",
            "mail",
            "e_mail",
            "work_email",
            "contact_email",
        ],
    ),
    (
        "name",
        &[
            "name",
            "full_name",
            "display_name",
            "realname",
            "company_name",
            "organization_name",
            "legal_name",
            "business_name",
        ],
    ),
    (
        "firstName",
        &[
            "first_name",
            "given_name",
            "firstname",
            "forename",
            "name.first_name",
            "name.given_name",
            "name.first",
        ],
    ),
    (
        "lastName",
        &[
            "last_name",
            "family_name",
            "surname",
            "lastname",
            "name.last_name",
            "name.family_name",
            "name.last",
        ],
    ),
    (
        "phone",
        &[
            "phone",
            "phone_number",
            "mobile",
            "mobile_phone",
            "telephone",
            "mobile_number",
            "work_phone",
            "cell",
        ],
    ),
    (
        "company",
        &[
            "company",
            "company_name",
            "organization",
            "organisation",
            "organization_name",
            "employer",
            "account_name",
            "company.name",
        ],
    ),
    (
        "domain",
        &[
            "domain",
            "website",
            "domain_name",
            "website_url",
            "homepage",
            "url",
        ],
    ),
    (
        "industry",
        &["industry", "sector", "industry_name", "vertical"],
    ),
    (
        "employees",
        &[
            "employees",
            "employee_count",
            "size",
            "number_of_employees",
            "headcount",
            "num_employees",
            "company_size",
        ],
    ),
    // order
    (
        "orderNumber",
        &[
            "number",
            "order_number",
            "reference",
            "reference_id",
            "order_no",
            "display_id",
            "increment_id",
            "name",
        ],
    ),
    (
        "totalAmount",
        &[
            "total",
            "amount",
            "total_amount",
            "grand_total",
            "total_price",
            "amount_total",
            "order_total",
            "line_total",
            "line_amount",
        ],
    ),
    (
        "subtotalAmount",
        &[
            "subtotal",
            "sub_total",
            "subtotal_price",
            "items_total",
            "item_total",
            "total_line_items_price",
        ],
    ),
    (
        "taxAmount",
        &[
            "tax",
            "total_tax",
            "tax_total",
            "tax_amount",
            "vat",
            "tax_price",
        ],
    ),
    (
        "shippingAmount",
        &[
            "shipping",
            "shipping_total",
            "shipping_cost",
            "total_shipping",
            "shipping_price",
            "shipment_total",
        ],
    ),
    (
        "customer",
        &[
            "customer",
            "buyer",
            "client",
            "contact",
            "purchaser",
            "billing_address",
            "bill_to",
        ],
    ),
    (
        "customerId",
        &[
            "customer_id",
            "customer.id",
            "client_id",
            "buyer_id",
            "contact_id",
        ],
    ),
    (
        "lineItems",
        &[
            "line_items",
            "lines",
            "items",
            "order_lines",
            "order_items",
            "entries",
            "products",
        ],
    ),
    (
        "unitPrice",
        &[
            "unit_price",
            "price",
            "base_price",
            "unit_amount",
            "price_per_unit",
            "unit_cost",
        ],
    ),
    // product
    (
        "title",
        &[
            "title",
            "name",
            "subject",
            "summary",
            "product_name",
            "headline",
            "label",
        ],
    ),
    (
        "description",
        &[
            "description",
            "body",
            "text",
            "body_html",
            "details",
            "content",
            "long_description",
        ],
    ),
    (
        "price",
        &[
            "price",
            "unit_price",
            "amount",
            "cost",
            "base_price",
            "list_price",
            "regular_price",
        ],
    ),
    (
        "variants",
        &["variants", "skus", "variations", "product_variants"],
    ),
    (
        "barcode",
        &["barcode", "ean", "upc", "gtin", "ean13", "isbn"],
    ),
    // invoice
    (
        "invoiceNumber",
        &[
            "invoice_number",
            "number",
            "invoice_no",
            "reference",
            "document_number",
            "doc_number",
        ],
    ),
    (
        "amount",
        &[
            "total",
            "amount",
            "total_amount",
            "grand_total",
            "amount_total",
            "invoice_total",
            "total_price",
        ],
    ),
    (
        "amountDue",
        &[
            "amount_due",
            "balance",
            "balance_due",
            "amount_remaining",
            "outstanding",
            "open_amount",
        ],
    ),
    (
        "issuedOn",
        &[
            "date",
            "issue_date",
            "date_string",
            "issued_on",
            "invoice_date",
            "issued_at",
            "document_date",
        ],
    ),
    (
        "dueOn",
        &[
            "due_date",
            "due_date_string",
            "due_on",
            "due_at",
            "due",
            "payment_due_date",
        ],
    ),
    (
        "contactName",
        &[
            "contact_name",
            "customer_name",
            "client_name",
            "contact.name",
            "customer.name",
            "bill_to_name",
        ],
    ),
    (
        "contactId",
        &[
            "contact_id",
            "customer_id",
            "client_id",
            "user_id",
            "person_id",
            "member_id",
            "contact.id",
            "customer.id",
        ],
    ),
    // call
    ("direction", &["direction", "call_direction"]),
    (
        "duration",
        &[
            "duration",
            "duration_seconds",
            "duration_in_seconds",
            "call_duration",
            "length",
        ],
    ),
    (
        "from",
        &[
            "from",
            "from_number",
            "caller",
            "caller_id",
            "source_number",
        ],
    ),
    (
        "to",
        &["to", "to_number", "called", "callee", "destination_number"],
    ),
    (
        "startedAt",
        &[
            "start_time",
            "started_at",
            "start",
            "started",
            "start_date",
            "begin_time",
            "answered_at",
        ],
    ),
    (
        "endedAt",
        &[
            "end_time",
            "ended_at",
            "end",
            "ended",
            "end_date",
            "finished_at",
        ],
    ),
    // ticket
    (
        "priority",
        &["priority", "urgency", "severity", "priority.name"],
    ),
    (
        "assignee",
        &[
            "assignee",
            "assigned_to",
            "owner",
            "assignee.name",
            "assignee.username",
            "assignee.email",
            "assignee_id",
            "owner_id",
        ],
    ),
    // shared
    (
        "currency",
        &[
            "currency",
            "currency_code",
            "price_unit",
            "iso_currency",
            "currency_iso_code",
        ],
    ),
    (
        "status",
        &[
            "status",
            "state",
            "order_status",
            "financial_status",
            "status.name",
        ],
    ),
    (
        "createdAt",
        &[
            "created_at",
            "created",
            "date_created",
            "created_date_utc",
            "inserted_at",
            "creation_time",
            "createdate",
            "created_on",
            "creation_date",
            "create_time",
            "date_added",
            "created_time",
        ],
    ),
    (
        "updatedAt",
        &[
            "updated_at",
            "updated",
            "modified_at",
            "date_updated",
            "updated_date_utc",
            "last_modified",
            "modified",
            "update_time",
            "lastmodifieddate",
            "last_updated",
            "date_modified",
            "updated_on",
            "modified_on",
            "last_modified_at",
            "updated_time",
        ],
    ),
];

/// What a record's own id is called, besides `<type>Id`: `sid` is Twilio's, `uuid` and `guid`
/// are common elsewhere.
const RECORD_ID_NAMES: &[&str] = &["id", "uuid", "sid", "guid"];

/// Suffixes of integer money fields in minor units (`total_cents`), dropped before matching so
/// `total_cents` reads as `total`.
const MINOR_UNIT_SUFFIXES: &[&str] = &["incents", "cents", "minor"];

/// Leaf names of money objects such as Square's `total_money.amount` or Adyen's `price.value`,
/// where the parent carries the meaning.
const MONEY_LEAVES: &[&str] = &["amount", "value", "cents", "amountcents"];

/// How a native name matched a canonical field.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct NameMatch {
    /// From 0 to 1.
    pub(super) score: f64,
    /// Why, e.g. "`qty` is a synonym of quantity".
    pub(super) reason: String,
    /// Whether it matched as the record's id (`id`, `uuid`, `sid`), which only a field directly
    /// on the record (or the nested object) can be.
    pub(super) as_record_id: bool,
}

/// One name a canonical field goes by.
pub(super) struct Term {
    key: String,
    score: f64,
    kind: TermKind,
}

#[derive(Clone, Copy, PartialEq)]
enum TermKind {
    Name,
    Synonym,
    RecordId,
}

/// The names `field` goes by. `record_id` says the field is the id of the record (or of the
/// nested object) it belongs to, e.g. `orderId` of an order, so `id`, `uuid` and `sid` count.
pub(super) fn terms(field: &str, record_id: bool) -> Vec<Term> {
    let mut terms = vec![Term {
        key: normalize(field),
        score: 1.0,
        kind: TermKind::Name,
    }];
    let synonyms = SYNONYMS
        .iter()
        .find(|(name, _)| *name == field)
        .map_or(&[][..], |(_, synonyms)| synonyms);
    for (rank, synonym) in synonyms.iter().enumerate() {
        terms.push(Term {
            key: normalize(synonym),
            // Earlier synonyms are the more usual meaning; the order only breaks near-ties.
            score: (0.92 - 0.01 * rank as f64).max(0.85),
            kind: TermKind::Synonym,
        });
    }
    if record_id {
        for (rank, name) in RECORD_ID_NAMES.iter().enumerate() {
            terms.push(Term {
                key: (*name).to_owned(),
                score: if rank == 0 { 0.95 } else { 0.9 },
                kind: TermKind::RecordId,
            });
        }
    }
    terms
}

/// The normalised names a native field answers to, with how much each is worth: its own name,
/// its name with its parent's (`Contact.Name` → `contactname`), and for money the name without a
/// minor-unit suffix or the money object's name.
fn native_keys(name: &str, parent: Option<&str>, money: bool) -> Vec<(String, f64)> {
    let own = normalize(name);
    let mut keys = vec![(own.clone(), 1.0)];
    if let Some(parent) = parent {
        keys.push((format!("{}{own}", normalize(parent)), 0.95));
    }
    if money {
        for suffix in MINOR_UNIT_SUFFIXES {
            if let Some(stem) = own.strip_suffix(suffix).filter(|stem| !stem.is_empty()) {
                keys.push((stem.to_owned(), 0.95));
            }
        }
        if let Some(parent) = parent.filter(|_| MONEY_LEAVES.contains(&own.as_str())) {
            let parent = normalize(parent);
            if let Some(stem) = parent.strip_suffix("money").filter(|stem| !stem.is_empty()) {
                keys.push((stem.to_owned(), 0.95));
            }
            keys.push((parent, 0.95));
        }
    }
    keys
}

/// How well `native`'s name fits the canonical `field`, or `None` when it does not.
pub(super) fn match_name(
    field: &str,
    record_id: bool,
    native: &NativeField<'_>,
    money: bool,
) -> Option<NameMatch> {
    match_terms(field, &terms(field, record_id), native, money)
}

/// [`match_name`] with the field's [`terms`] computed once by the caller: the mapper asks this
/// of every canonical field × native field pair, for every canonical type, so the per-pair work
/// is only comparisons (the native side is prepared in [`NativeField::names`]).
pub(super) fn match_terms(
    field: &str,
    terms: &[Term],
    native: &NativeField<'_>,
    money: bool,
) -> Option<NameMatch> {
    let names = &native.names;
    let keys = if money {
        &names.money_keys
    } else {
        &names.keys
    };
    let mut best: Option<(f64, &Term)> = None;
    for term in terms {
        for (key, factor) in keys {
            if *key != term.key {
                continue;
            }
            let score = term.score * factor;
            if best.as_ref().is_none_or(|(best, _)| score > *best) {
                best = Some((score, term));
            }
        }
    }
    if let Some((score, term)) = best {
        let shown = native.display();
        let reason = match term.kind {
            TermKind::Name => format!("`{shown}` matches the name"),
            TermKind::Synonym => format!("`{shown}` is a synonym of {field}"),
            TermKind::RecordId => format!("`{shown}` is the record's id"),
        };
        return Some(NameMatch {
            score,
            reason,
            as_record_id: term.kind == TermKind::RecordId,
        });
    }
    // Containment at the end of the name, where English puts the head noun: `billing_email` is
    // an e-mail, `CompanyNumber` is a number, not a company. Weaker, and never for ids, where
    // `customer_id` ending in `id` says nothing about the record's own id.
    terms
        .iter()
        .filter(|term| term.kind != TermKind::RecordId && term.key.len() >= 3)
        .find(|term| names.tails.contains(&term.key))
        .map(|term| NameMatch {
            score: 0.6,
            reason: format!("`{}` contains {}", native.display(), term.key),
            as_record_id: false,
        })
}

/// The names a native field answers to, computed once per field.
#[derive(Debug, Clone)]
pub(super) struct NativeNames {
    /// Normalised names with their worth (see [`native_keys`]).
    keys: Vec<(String, f64)>,
    /// The same for a money field (minor-unit suffixes and money objects unwrapped).
    money_keys: Vec<(String, f64)>,
    /// The trailing word runs of its own name: `billing_email` → `email`.
    tails: Vec<String>,
}

impl NativeNames {
    /// The names of a field called `name` inside `parent` (wrappers skipped).
    pub(super) fn new(name: &str, parent: Option<&str>) -> Self {
        let words = words(name);
        NativeNames {
            keys: native_keys(name, parent, false),
            money_keys: native_keys(name, parent, true),
            tails: (1..words.len())
                .map(|start| words[start..].concat())
                .collect(),
        }
    }
}

/// Whether `field` is the id of `owner` (the canonical type, or the nested object it sits in):
/// `orderId` of `order`, `customerId` of `customer`.
pub(super) fn is_record_id(field: &str, owner: &str) -> bool {
    normalize(field) == format!("{}id", normalize(owner))
}

/// How well a native field answers to a record id: `id`, `<type>Id`, `uuid`, `sid`.
pub(super) fn match_record_id(type_name: &str, native: &NativeField<'_>) -> Option<NameMatch> {
    let own = normalize(native.name());
    let typed = format!("{}id", normalize(type_name));
    let score = if own == "id" || own == typed {
        1.0
    } else if RECORD_ID_NAMES.contains(&own.as_str()) {
        0.9
    } else {
        return None;
    };
    Some(NameMatch {
        score,
        reason: format!("`{}` is the record's id", native.display()),
        as_record_id: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_words_of_every_naming_style() {
        assert_eq!(words("UpdatedDateUTC"), ["updated", "date", "utc"]);
        assert_eq!(words("total_on_hand"), ["total", "on", "hand"]);
        assert_eq!(words("emailAddress"), ["email", "address"]);
        assert_eq!(words("UTCDate"), ["utc", "date"]);
        assert_eq!(words("in-progress"), ["in", "progress"]);
        assert_eq!(normalize("Updated_Date-UTC"), "updateddateutc");
    }

    #[test]
    fn every_synonym_entry_is_unique() {
        let mut names: Vec<&str> = SYNONYMS.iter().map(|(name, _)| *name).collect();
        names.sort_unstable();
        let count = names.len();
        names.dedup();
        assert_eq!(names.len(), count, "a canonical field is listed twice");
    }

    #[test]
    fn record_ids_are_recognised_only_for_the_owner() {
        assert!(is_record_id("orderId", "order"));
        assert!(is_record_id("customerId", "customer"));
        assert!(!is_record_id("contactId", "invoice"));
    }
}
