//! The built-in canonical types.
//!
//! Field names are camelCase, money is a decimal string with an ISO 4217 currency next to it,
//! instants are RFC 3339, and statuses are normalised enums so a destination never sees a vendor's
//! private vocabulary. A change that could break a consumer bumps the type's version.

use super::CanonicalType;
use super::schema::{Field, FieldKind, Fields};

/// All built-in types, in a stable order.
pub(crate) fn builtin_types() -> Vec<CanonicalType> {
    vec![
        stocklevel(),
        order(),
        product(),
        contact(),
        invoice(),
        call(),
        company(),
        ticket(),
    ]
}

fn required(kind: FieldKind, description: &str) -> Field {
    Field {
        kind,
        required: true,
        description: description.to_owned(),
    }
}

fn optional(kind: FieldKind, description: &str) -> Field {
    Field {
        kind,
        required: false,
        description: description.to_owned(),
    }
}

fn fields<const N: usize>(list: [(&str, Field); N]) -> Fields {
    list.into_iter()
        .map(|(name, field)| (name.to_owned(), field))
        .collect()
}

fn enumeration(values: &[&str]) -> FieldKind {
    FieldKind::Enum(values.iter().map(|value| (*value).to_owned()).collect())
}

fn build(name: &str, description: &str, key: &[&str], fields: Fields) -> CanonicalType {
    let key = key.iter().map(|field| (*field).to_owned()).collect();
    CanonicalType::new(name, 1, description, key, fields)
        .expect("built-in canonical types are valid; the registry tests build every one")
}

fn stocklevel() -> CanonicalType {
    build(
        "stocklevel",
        "How many units of a SKU are on hand at one location.",
        &["sku", "locationId"],
        fields([
            ("sku", required(FieldKind::String, "Stock keeping unit.")),
            (
                "locationId",
                required(
                    FieldKind::String,
                    "Warehouse, store or location the count is for.",
                ),
            ),
            (
                "quantity",
                required(
                    FieldKind::Integer { minimum: None },
                    "Units on hand. Never defaulted: a missing quantity means no data, not zero.",
                ),
            ),
            (
                "updatedAt",
                optional(
                    FieldKind::DateTime,
                    "When the source last changed the count.",
                ),
            ),
            (
                "reservedQuantity",
                optional(
                    FieldKind::Integer { minimum: Some(0) },
                    "Units committed to open orders.",
                ),
            ),
            (
                "locationName",
                optional(FieldKind::String, "Human-readable location name."),
            ),
            (
                "productId",
                optional(FieldKind::String, "The source's product id."),
            ),
        ]),
    )
}

fn order() -> CanonicalType {
    let line_item = fields([
        ("sku", required(FieldKind::String, "SKU ordered.")),
        (
            "quantity",
            required(FieldKind::Integer { minimum: Some(0) }, "Units ordered."),
        ),
        (
            "title",
            optional(FieldKind::String, "Product title at order time."),
        ),
        (
            "unitPrice",
            optional(
                FieldKind::Decimal,
                "Price of one unit, in the order currency.",
            ),
        ),
        (
            "totalAmount",
            optional(FieldKind::Decimal, "Line total, in the order currency."),
        ),
        (
            "productId",
            optional(FieldKind::String, "The source's product id."),
        ),
    ]);
    let customer = fields([
        (
            "customerId",
            optional(FieldKind::String, "The source's customer id."),
        ),
        (
            "email",
            optional(FieldKind::Email, "Customer e-mail address."),
        ),
        ("name", optional(FieldKind::String, "Customer full name.")),
    ]);
    build(
        "order",
        "A sales order with its line items.",
        &["orderId"],
        fields([
            (
                "orderId",
                required(FieldKind::String, "The source's order id."),
            ),
            (
                "orderNumber",
                optional(FieldKind::String, "Human-facing order number."),
            ),
            (
                "status",
                required(
                    enumeration(&[
                        "draft",
                        "pending",
                        "processing",
                        "on_hold",
                        "completed",
                        "cancelled",
                        "refunded",
                        "failed",
                    ]),
                    "Normalised order status; map vendor statuses with a lookup.",
                ),
            ),
            (
                "currency",
                required(FieldKind::Currency, "ISO 4217 currency code."),
            ),
            (
                "totalAmount",
                required(
                    FieldKind::Decimal,
                    "Grand total including tax and shipping.",
                ),
            ),
            (
                "subtotalAmount",
                optional(FieldKind::Decimal, "Total of the lines."),
            ),
            ("taxAmount", optional(FieldKind::Decimal, "Tax total.")),
            (
                "shippingAmount",
                optional(FieldKind::Decimal, "Shipping total."),
            ),
            (
                "lineItems",
                optional(
                    FieldKind::Array(Box::new(FieldKind::Object(line_item))),
                    "What was ordered.",
                ),
            ),
            (
                "customer",
                optional(FieldKind::Object(customer), "Who ordered."),
            ),
            (
                "createdAt",
                required(FieldKind::DateTime, "When the order was placed."),
            ),
            (
                "updatedAt",
                optional(
                    FieldKind::DateTime,
                    "When the source last changed the order.",
                ),
            ),
        ]),
    )
}

fn product() -> CanonicalType {
    let variant = fields([
        ("sku", required(FieldKind::String, "Variant SKU.")),
        (
            "title",
            optional(FieldKind::String, "Variant title, e.g. `Red / L`."),
        ),
        ("price", optional(FieldKind::Decimal, "Variant price.")),
        ("barcode", optional(FieldKind::String, "EAN, UPC or GTIN.")),
    ]);
    build(
        "product",
        "A sellable product and its variants.",
        &["sku"],
        fields([
            ("sku", required(FieldKind::String, "Product SKU.")),
            ("title", required(FieldKind::String, "Product title.")),
            (
                "description",
                optional(FieldKind::String, "Long description."),
            ),
            ("price", optional(FieldKind::Decimal, "Base price.")),
            (
                "currency",
                optional(FieldKind::Currency, "Currency of the prices."),
            ),
            (
                "status",
                optional(
                    enumeration(&["active", "draft", "archived"]),
                    "Whether the product is on sale.",
                ),
            ),
            (
                "variants",
                optional(
                    FieldKind::Array(Box::new(FieldKind::Object(variant))),
                    "Variants (sizes, colours).",
                ),
            ),
            (
                "productId",
                optional(FieldKind::String, "The source's product id."),
            ),
            (
                "updatedAt",
                optional(
                    FieldKind::DateTime,
                    "When the source last changed the product.",
                ),
            ),
        ]),
    )
}

fn contact() -> CanonicalType {
    build(
        "contact",
        "A person: customer, lead or user.",
        &["email"],
        fields([
            (
                "email",
                required(FieldKind::Email, "Primary e-mail address."),
            ),
            ("name", optional(FieldKind::String, "Full name.")),
            ("firstName", optional(FieldKind::String, "Given name.")),
            ("lastName", optional(FieldKind::String, "Family name.")),
            (
                "company",
                optional(FieldKind::String, "Company the person works for."),
            ),
            (
                "phone",
                optional(FieldKind::String, "Phone number, E.164 preferred."),
            ),
            (
                "contactId",
                optional(FieldKind::String, "The source's contact id."),
            ),
            (
                "createdAt",
                optional(FieldKind::DateTime, "When the contact was created."),
            ),
            (
                "updatedAt",
                optional(
                    FieldKind::DateTime,
                    "When the source last changed the contact.",
                ),
            ),
        ]),
    )
}

fn invoice() -> CanonicalType {
    build(
        "invoice",
        "A bill sent to a customer (or received from a supplier).",
        &["invoiceId"],
        fields([
            (
                "invoiceId",
                required(FieldKind::String, "The source's invoice id."),
            ),
            (
                "invoiceNumber",
                optional(FieldKind::String, "Human-facing number."),
            ),
            ("amount", required(FieldKind::Decimal, "Invoice total.")),
            (
                "currency",
                required(FieldKind::Currency, "ISO 4217 currency code."),
            ),
            (
                "status",
                required(
                    enumeration(&["draft", "open", "paid", "partially_paid", "overdue", "void"]),
                    "Normalised invoice status.",
                ),
            ),
            (
                "amountDue",
                optional(FieldKind::Decimal, "What remains to be paid."),
            ),
            ("issuedOn", optional(FieldKind::Date, "Issue date.")),
            ("dueOn", optional(FieldKind::Date, "Due date.")),
            ("contactName", optional(FieldKind::String, "Who is billed.")),
            (
                "contactId",
                optional(FieldKind::String, "The source's id of who is billed."),
            ),
            (
                "updatedAt",
                optional(
                    FieldKind::DateTime,
                    "When the source last changed the invoice.",
                ),
            ),
        ]),
    )
}

fn call() -> CanonicalType {
    build(
        "call",
        "A phone call.",
        &["callId"],
        fields([
            (
                "callId",
                required(FieldKind::String, "The source's call id."),
            ),
            (
                "direction",
                required(
                    enumeration(&["inbound", "outbound"]),
                    "Who placed the call.",
                ),
            ),
            (
                "duration",
                optional(
                    FieldKind::Integer { minimum: Some(0) },
                    "Length in seconds; absent while the call is in progress.",
                ),
            ),
            (
                "status",
                optional(
                    enumeration(&[
                        "queued",
                        "ringing",
                        "in_progress",
                        "completed",
                        "busy",
                        "failed",
                        "no_answer",
                        "canceled",
                    ]),
                    "Normalised call status.",
                ),
            ),
            (
                "from",
                optional(FieldKind::String, "Calling number or address."),
            ),
            (
                "to",
                optional(FieldKind::String, "Called number or address."),
            ),
            (
                "startedAt",
                optional(FieldKind::DateTime, "When the call started."),
            ),
            (
                "endedAt",
                optional(FieldKind::DateTime, "When the call ended."),
            ),
            ("price", optional(FieldKind::Decimal, "What the call cost.")),
            (
                "currency",
                optional(FieldKind::Currency, "Currency of the price."),
            ),
        ]),
    )
}

fn company() -> CanonicalType {
    build(
        "company",
        "An organisation: customer account, supplier or prospect.",
        &["companyId"],
        fields([
            (
                "companyId",
                required(FieldKind::String, "The source's company id."),
            ),
            ("name", required(FieldKind::String, "Company name.")),
            (
                "domain",
                optional(FieldKind::String, "Web domain, e.g. acme.com."),
            ),
            ("industry", optional(FieldKind::String, "Industry.")),
            (
                "employees",
                optional(FieldKind::Integer { minimum: Some(0) }, "Head count."),
            ),
            (
                "createdAt",
                optional(FieldKind::DateTime, "When the company was created."),
            ),
            (
                "updatedAt",
                optional(
                    FieldKind::DateTime,
                    "When the source last changed the company.",
                ),
            ),
        ]),
    )
}

fn ticket() -> CanonicalType {
    build(
        "ticket",
        "A support or issue-tracking ticket.",
        &["ticketId"],
        fields([
            (
                "ticketId",
                required(FieldKind::String, "The source's ticket id."),
            ),
            ("title", required(FieldKind::String, "Subject line.")),
            ("description", optional(FieldKind::String, "Body text.")),
            (
                "status",
                optional(
                    enumeration(&["open", "in_progress", "pending", "resolved", "closed"]),
                    "Normalised ticket status.",
                ),
            ),
            (
                "priority",
                optional(
                    enumeration(&["low", "normal", "high", "urgent"]),
                    "Priority.",
                ),
            ),
            ("assignee", optional(FieldKind::String, "Who works on it.")),
            (
                "createdAt",
                optional(FieldKind::DateTime, "When the ticket was opened."),
            ),
            (
                "updatedAt",
                optional(
                    FieldKind::DateTime,
                    "When the source last changed the ticket.",
                ),
            ),
        ]),
    )
}
