//! Suggestions for record schemas as real API documents describe them.

use pullpush_core::{CanonicalRegistry, Connector, Definition, Expr};
use serde_json::{Value, json};

use super::{FieldSuggestion, MappingSuggestions, rank_canonical_types, suggest_mappings};

fn suggest(type_name: &str, schema: &Value) -> MappingSuggestions {
    let registry = CanonicalRegistry::builtin();
    let ty = registry.get(type_name).expect("a built-in type");
    suggest_mappings(ty, schema)
}

fn field<'a>(suggestions: &'a MappingSuggestions, name: &str) -> &'a FieldSuggestion {
    suggestions
        .fields
        .iter()
        .find(|suggestion| suggestion.field == name)
        .unwrap_or_else(|| panic!("no suggestion for {name}: {suggestions:#?}"))
}

fn expr(suggestions: &MappingSuggestions, name: &str) -> Value {
    serde_json::to_value(&field(suggestions, name).expr).expect("expressions serialize")
}

fn mapped(suggestions: &MappingSuggestions) -> Vec<&str> {
    suggestions
        .fields
        .iter()
        .map(|suggestion| suggestion.field.as_str())
        .collect()
}

/// A Twilio call, as its OpenAPI document describes it: RFC 2822 times, a string duration,
/// `direction` documented only in prose.
fn twilio_call() -> Value {
    json!({
        "type": "object",
        "properties": {
            "sid": {"type": "string", "nullable": true, "pattern": "^CA[0-9a-fA-F]{32}$",
                    "description": "The unique string that we created to identify this Call resource."},
            "date_created": {"type": "string", "format": "date-time-rfc-2822", "nullable": true},
            "date_updated": {"type": "string", "format": "date-time-rfc-2822", "nullable": true,
                             "description": "The date and time in GMT that this resource was last updated, specified in RFC 2822 format."},
            "parent_call_sid": {"type": "string", "nullable": true},
            "account_sid": {"type": "string", "nullable": true},
            "to": {"type": "string", "nullable": true},
            "to_formatted": {"type": "string", "nullable": true},
            "from": {"type": "string", "nullable": true},
            "from_formatted": {"type": "string", "nullable": true},
            "status": {"type": "string", "nullable": true, "enum": [
                "queued", "ringing", "in-progress", "completed", "busy", "failed", "no-answer", "canceled"
            ]},
            "start_time": {"type": "string", "nullable": true, "example": "Fri, 04 Sep 2015 22:54:41 +0000",
                           "description": "The start time of the call, given as UTC. Empty if the call has not yet been dialed."},
            "end_time": {"type": "string", "nullable": true,
                         "description": "The time the call ended, given as UTC in RFC 2822 format."},
            "duration": {"type": "string", "nullable": true,
                         "description": "The length of the call in seconds. Empty for busy, failed, unanswered or ongoing calls."},
            "price": {"type": "string", "nullable": true,
                      "description": "The charge for this call, in the currency associated with the account."},
            "price_unit": {"type": "string", "format": "currency", "nullable": true},
            "direction": {"type": "string", "nullable": true,
                          "description": "A string describing the direction of the call. Can be: `inbound` for inbound calls, `outbound-api` for calls initiated via the REST API or `outbound-dial` for calls initiated by a `<Dial>` verb. Using Elastic SIP Trunking, the values can be `trunking-terminating` for outgoing calls or `trunking-originating` for incoming calls."},
            "answered_by": {"type": "string", "nullable": true},
            "caller_name": {"type": "string", "nullable": true},
            "uri": {"type": "string", "nullable": true}
        }
    })
}

/// A Spree Storefront API variant: JSON:API, the useful fields inside `attributes`.
fn spree_variant() -> Value {
    json!({
        "type": "object",
        "properties": {
            "id": {"type": "string", "example": "1"},
            "type": {"type": "string", "default": "variant"},
            "attributes": {
                "type": "object",
                "properties": {
                    "sku": {"type": "string", "example": "SKU-1001"},
                    "price": {"type": "string", "example": "19.99"},
                    "currency": {"type": "string", "example": "USD"},
                    "display_price": {"type": "string", "example": "$19.99"},
                    "name": {"type": "string"},
                    "options_text": {"type": "string"},
                    "in_stock": {"type": "boolean"},
                    "backorderable": {"type": "boolean"},
                    "total_on_hand": {"type": ["integer", "null"]},
                    "updated_at": {"type": "string", "format": "date-time"}
                }
            },
            "relationships": {
                "type": "object",
                "properties": {
                    "product": {"type": "object", "properties": {"data": {"type": "object", "properties": {
                        "id": {"type": "string"}, "type": {"type": "string"}
                    }}}},
                    "images": {"type": "object", "properties": {"data": {
                        "type": "array", "items": {"x-recursive": "#/components/schemas/Image"}
                    }}}
                }
            }
        }
    })
}

/// A Xero invoice: PascalCase names, Microsoft JSON dates, an upper-case status enum.
fn xero_invoice() -> Value {
    json!({
        "type": "object",
        "properties": {
            "Type": {"type": "string", "enum": ["ACCPAY", "ACCREC"]},
            "Contact": {"type": "object", "properties": {
                "ContactID": {"type": "string", "format": "uuid"},
                "Name": {"type": "string"},
                "EmailAddress": {"type": "string"}
            }},
            "LineItems": {"type": "array", "items": {"type": "object", "properties": {
                "Description": {"type": "string"},
                "Quantity": {"type": "number", "format": "double"},
                "UnitAmount": {"type": "number", "format": "double"}
            }}},
            "DateString": {"type": "string", "description": "Date invoice was issued – YYYY-MM-DD."},
            "DueDateString": {"type": "string", "description": "Date invoice is due – YYYY-MM-DD."},
            "Status": {"type": "string", "enum": ["DRAFT", "SUBMITTED", "DELETED", "AUTHORISED", "PAID", "VOIDED"]},
            "SubTotal": {"type": "number", "format": "double"},
            "TotalTax": {"type": "number", "format": "double"},
            "Total": {"type": "number", "format": "double", "description": "Total of the invoice including tax."},
            "InvoiceID": {"type": "string", "format": "uuid"},
            "InvoiceNumber": {"type": "string"},
            "Reference": {"type": "string"},
            "CurrencyCode": {"type": "string", "enum": ["AUD", "EUR", "GBP", "NZD", "USD"]},
            "CurrencyRate": {"type": "number"},
            "AmountDue": {"type": "number", "format": "double"},
            "AmountPaid": {"type": "number", "format": "double"},
            "AmountCredited": {"type": "number", "format": "double"},
            "UpdatedDateUTC": {"type": "string", "x-is-msdate-time": true, "example": "/Date(1573755038314+0000)/"}
        }
    })
}

/// A Square customer, its parts combined with `allOf`.
fn square_customer() -> Value {
    json!({
        "allOf": [
            {"type": "object", "properties": {
                "id": {"type": "string"},
                "created_at": {"type": "string", "format": "date-time"},
                "updated_at": {"type": "string", "format": "date-time"}
            }},
            {"type": "object", "properties": {
                "given_name": {"type": "string", "nullable": true},
                "family_name": {"type": "string", "nullable": true},
                "nickname": {"type": "string", "nullable": true},
                "company_name": {"type": "string", "nullable": true},
                "email_address": {"type": "string", "nullable": true},
                "phone_number": {"type": "string", "nullable": true},
                "reference_id": {"type": "string", "nullable": true},
                "note": {"type": "string", "nullable": true}
            }}
        ]
    })
}

/// The bundled demo API's order: integer ids, amounts in cents, a customer object and lines.
fn demo_order() -> Value {
    json!({
        "type": "object",
        "properties": {
            "id": {"type": "integer", "example": 100001},
            "number": {"type": "string", "example": "DEMO-000001"},
            "state": {"type": "string", "enum": ["pending", "paid", "fulfilled", "cancelled", "refunded"]},
            "currency": {"type": "string", "description": "Lowercase ISO 4217 code.", "example": "eur"},
            "subtotal_cents": {"type": "integer", "description": "Sum of the lines, in minor units."},
            "shipping_cents": {"type": "integer", "description": "Shipping, in minor units."},
            "total_cents": {"type": "integer", "description": "Grand total, in minor units."},
            "created_at": {"type": "string", "format": "date-time"},
            "updated_at": {"type": "string", "format": "date-time"},
            "customer": {"$ref": "#/$defs/Customer"},
            "lines": {"type": "array", "items": {"$ref": "#/$defs/OrderLine"}}
        },
        "$defs": {
            "Customer": {"type": "object", "properties": {
                "id": {"type": "string"},
                "email": {"type": "string", "format": "email"},
                "name": {"type": "string"}
            }},
            "OrderLine": {"type": "object", "properties": {
                "sku": {"type": "string"},
                "title": {"type": "string"},
                "qty": {"type": "integer", "minimum": 1},
                "unit_price_cents": {"type": "integer", "description": "Price of one unit, in minor units."}
            }}
        }
    })
}

/// The demo API's product: an integer status whose meaning only the description gives.
fn demo_product() -> Value {
    json!({
        "type": "object",
        "properties": {
            "id": {"type": "string"},
            "sku": {"type": "string"},
            "title": {"type": "string"},
            "description": {"type": "string"},
            "price": {"type": "number", "description": "Price in major units."},
            "currency": {"type": "string"},
            "status": {"type": "integer", "enum": [1, 2, 3], "description": "1 active, 2 draft, 3 archived."},
            "variants": {"type": "array", "items": {"type": "object", "properties": {
                "sku": {"type": "string"},
                "title": {"type": "string"},
                "price": {"type": "number"},
                "barcode": {"type": "string", "description": "EAN-13."}
            }}},
            "updated_at": {"type": "string", "format": "date-time"}
        }
    })
}

#[test]
fn twilio_call_maps_with_rfc2822_times_and_translated_enums() {
    let suggestions = suggest("call", &twilio_call());
    assert_eq!(suggestions.canonical_type, "call");
    assert!(suggestions.unmapped_required.is_empty());
    assert_eq!(expr(&suggestions, "callId"), json!("$.sid"));
    assert_eq!(
        expr(&suggestions, "direction"),
        json!({"lookup": {"value": "$.direction", "table": {
            "inbound": "inbound",
            "outbound-api": "outbound",
            "outbound-dial": "outbound",
            "trunking-terminating": "outbound",
            "trunking-originating": "inbound"
        }, "default": null}})
    );
    assert_eq!(
        expr(&suggestions, "status"),
        json!({"lookup": {"value": "$.status", "table": {
            "queued": "queued",
            "ringing": "ringing",
            "in-progress": "in_progress",
            "completed": "completed",
            "busy": "busy",
            "failed": "failed",
            "no-answer": "no_answer",
            "canceled": "canceled"
        }, "default": null}})
    );
    assert_eq!(
        expr(&suggestions, "duration"),
        json!({"integer": "$.duration"})
    );
    assert_eq!(expr(&suggestions, "from"), json!("$.from"));
    assert_eq!(expr(&suggestions, "to"), json!("$.to"));
    assert_eq!(
        expr(&suggestions, "startedAt"),
        json!({"datetime": {"value": "$.start_time", "format": "rfc2822"}})
    );
    assert_eq!(
        expr(&suggestions, "endedAt"),
        json!({"datetime": {"value": "$.end_time", "format": "rfc2822"}})
    );
    assert_eq!(expr(&suggestions, "price"), json!({"decimal": "$.price"}));
    assert_eq!(
        expr(&suggestions, "currency"),
        json!({"uppercase": "$.price_unit"})
    );
    let source_id = suggestions.source_id.as_ref().expect("a source id");
    assert_eq!(source_id.source, "$.sid");
    let updated = suggestions
        .source_updated_at
        .as_ref()
        .expect("an updated-at");
    assert_eq!(
        serde_json::to_value(&updated.expr).unwrap(),
        json!({"datetime": {"value": "$.date_updated", "format": "rfc2822"}})
    );
    // The output follows the type's field order.
    assert_eq!(
        mapped(&suggestions),
        [
            "callId",
            "direction",
            "duration",
            "status",
            "from",
            "to",
            "startedAt",
            "endedAt",
            "price",
            "currency"
        ]
    );
}

#[test]
fn spree_variant_reads_inside_jsonapi_attributes() {
    let suggestions = suggest("stocklevel", &spree_variant());
    assert_eq!(suggestions.unmapped_required, ["locationId"]);
    assert_eq!(expr(&suggestions, "sku"), json!("$.attributes.sku"));
    let quantity = field(&suggestions, "quantity");
    assert_eq!(
        serde_json::to_value(&quantity.expr).unwrap(),
        json!({"integer": "$.attributes.total_on_hand"})
    );
    assert_eq!(
        quantity.reason,
        "`attributes.total_on_hand` is a synonym of quantity; integer"
    );
    assert_eq!(
        expr(&suggestions, "productId"),
        json!("$.relationships.product.data.id")
    );
    assert_eq!(
        expr(&suggestions, "updatedAt"),
        json!({"datetime": {"value": "$.attributes.updated_at"}})
    );
    assert_eq!(suggestions.source_id.as_ref().unwrap().source, "$.id");

    let product = suggest("product", &spree_variant());
    assert!(product.unmapped_required.is_empty(), "{product:#?}");
    assert_eq!(expr(&product, "title"), json!("$.attributes.name"));
    assert_eq!(
        expr(&product, "price"),
        json!({"decimal": "$.attributes.price"})
    );
    assert_eq!(
        expr(&product, "currency"),
        json!({"uppercase": "$.attributes.currency"})
    );
}

#[test]
fn xero_invoice_maps_pascal_case_names_and_statuses() {
    let suggestions = suggest("invoice", &xero_invoice());
    assert!(suggestions.unmapped_required.is_empty());
    assert_eq!(expr(&suggestions, "invoiceId"), json!("$.InvoiceID"));
    assert_eq!(
        expr(&suggestions, "invoiceNumber"),
        json!("$.InvoiceNumber")
    );
    assert_eq!(expr(&suggestions, "amount"), json!({"decimal": "$.Total"}));
    assert_eq!(
        expr(&suggestions, "amountDue"),
        json!({"decimal": "$.AmountDue"})
    );
    assert_eq!(
        expr(&suggestions, "currency"),
        json!({"uppercase": "$.CurrencyCode"})
    );
    assert_eq!(
        expr(&suggestions, "status"),
        json!({"lookup": {"value": "$.Status", "table": {
            "DRAFT": "draft",
            "SUBMITTED": "draft",
            "DELETED": "void",
            "AUTHORISED": "open",
            "PAID": "paid",
            "VOIDED": "void"
        }, "default": null}})
    );
    assert_eq!(
        expr(&suggestions, "issuedOn"),
        json!({"date": {"value": "$.DateString"}})
    );
    assert_eq!(
        expr(&suggestions, "dueOn"),
        json!({"date": {"value": "$.DueDateString"}})
    );
    assert_eq!(expr(&suggestions, "contactName"), json!("$.Contact.Name"));
    assert_eq!(
        expr(&suggestions, "contactId"),
        json!("$.Contact.ContactID")
    );
    assert_eq!(
        expr(&suggestions, "updatedAt"),
        json!({"datetime": {"value": "$.UpdatedDateUTC", "format": "ms_json"}})
    );
    assert_eq!(
        suggestions.source_id.as_ref().unwrap().source,
        "$.InvoiceID"
    );
    assert_eq!(
        suggestions.source_updated_at.as_ref().unwrap().source,
        "$.UpdatedDateUTC"
    );
}

#[test]
fn lookup_reasons_name_values_without_a_counterpart() {
    let schema = json!({"properties": {
        "id": {"type": "string"},
        "number": {"type": "string"},
        "state": {"type": "string", "enum": ["OPEN", "COMPLETED", "DISPUTED"]}
    }});
    let suggestions = suggest("invoice", &schema);
    let status = field(&suggestions, "status");
    assert_eq!(
        serde_json::to_value(&status.expr).unwrap(),
        json!({"lookup": {"value": "$.state", "table": {"OPEN": "open"}, "default": null}})
    );
    assert!(
        status
            .reason
            .contains("no counterpart: COMPLETED, DISPUTED"),
        "{}",
        status.reason
    );
    assert!(status.confidence < field(&suggestions, "invoiceId").confidence);
    assert_eq!(suggestions.unmapped_required, ["amount", "currency"]);
}

#[test]
fn square_customer_maps_onto_contact() {
    let suggestions = suggest("contact", &square_customer());
    assert!(suggestions.unmapped_required.is_empty());
    assert_eq!(expr(&suggestions, "email"), json!("$.email_address"));
    assert_eq!(expr(&suggestions, "firstName"), json!("$.given_name"));
    assert_eq!(expr(&suggestions, "lastName"), json!("$.family_name"));
    assert_eq!(expr(&suggestions, "company"), json!("$.company_name"));
    assert_eq!(expr(&suggestions, "phone"), json!("$.phone_number"));
    assert_eq!(expr(&suggestions, "contactId"), json!("$.id"));
    assert_eq!(
        expr(&suggestions, "createdAt"),
        json!({"datetime": {"value": "$.created_at"}})
    );
    let email = field(&suggestions, "email");
    assert_eq!(email.confidence, 0.86);
    assert_eq!(
        email.reason,
        "`email_address` is a synonym of email; string"
    );
}

#[test]
fn demo_order_builds_customer_object_and_line_items_in_minor_units() {
    let suggestions = suggest("order", &demo_order());
    assert!(suggestions.unmapped_required.is_empty());
    assert_eq!(expr(&suggestions, "orderId"), json!({"string": "$.id"}));
    assert_eq!(expr(&suggestions, "orderNumber"), json!("$.number"));
    assert_eq!(
        expr(&suggestions, "status"),
        json!({"lookup": {"value": "$.state", "table": {
            "pending": "pending",
            "paid": "processing",
            "fulfilled": "completed",
            "cancelled": "cancelled",
            "refunded": "refunded"
        }, "default": null}})
    );
    assert_eq!(
        expr(&suggestions, "totalAmount"),
        json!({"minor_units": {"value": "$.total_cents", "decimals": 2}})
    );
    assert_eq!(
        expr(&suggestions, "subtotalAmount"),
        json!({"minor_units": {"value": "$.subtotal_cents", "decimals": 2}})
    );
    assert_eq!(
        expr(&suggestions, "shippingAmount"),
        json!({"minor_units": {"value": "$.shipping_cents", "decimals": 2}})
    );
    assert_eq!(
        expr(&suggestions, "customer"),
        json!({"object": {
            "customerId": "$.customer.id",
            "email": "$.customer.email",
            "name": "$.customer.name"
        }})
    );
    assert_eq!(
        expr(&suggestions, "lineItems"),
        json!({"each": {"path": "$.lines", "fields": {
            "sku": "$.sku",
            "quantity": {"integer": "$.qty"},
            "title": "$.title",
            "unitPrice": {"minor_units": {"value": "$.unit_price_cents", "decimals": 2}}
        }}})
    );
}

#[test]
fn demo_product_reads_status_codes_from_the_description() {
    let suggestions = suggest("product", &demo_product());
    assert_eq!(
        expr(&suggestions, "status"),
        json!({"lookup": {"value": "$.status", "table": {"1": "active", "2": "draft", "3": "archived"}, "default": null}})
    );
    assert_eq!(expr(&suggestions, "productId"), json!("$.id"));
    assert_eq!(
        expr(&suggestions, "variants"),
        json!({"each": {"path": "$.variants", "fields": {
            "sku": "$.sku",
            "title": "$.title",
            "price": {"decimal": "$.price"},
            "barcode": "$.barcode"
        }}})
    );
}

#[test]
fn unix_timestamps_and_cents_are_recognised() {
    let schema = json!({"properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "size": {"type": "integer"},
        "created_at": {"type": "integer", "description": "Unix timestamp."},
        "updated_at": {"type": "integer", "example": 1_700_000_000_000_i64}
    }});
    let company = suggest("company", &schema);
    assert_eq!(expr(&company, "companyId"), json!({"string": "$.id"}));
    assert_eq!(expr(&company, "employees"), json!({"integer": "$.size"}));
    assert_eq!(
        expr(&company, "createdAt"),
        json!({"datetime": {"value": "$.created_at", "unix": "seconds"}})
    );
    assert_eq!(
        expr(&company, "updatedAt"),
        json!({"datetime": {"value": "$.updated_at", "unix": "milliseconds"}})
    );

    let payment = json!({"properties": {
        "amount": {"type": "integer", "description": "Amount in the smallest denomination of the currency."},
        "currency": {"type": "string"}
    }});
    let call = suggest("call", &payment);
    assert_eq!(call.unmapped_required, ["callId", "direction"]);
    assert_eq!(
        expr(&call, "price"),
        json!({"minor_units": {"value": "$.amount", "decimals": 2}})
    );
}

#[test]
fn each_native_field_fills_one_canonical_field_and_top_level_ids_win() {
    let schema = json!({"properties": {
        "customer": {"type": "object", "properties": {"id": {"type": "string"}}},
        "id": {"type": "string"},
        "title": {"type": "string"}
    }});
    let ticket = suggest("ticket", &schema);
    assert_eq!(expr(&ticket, "ticketId"), json!("$.id"));
    assert_eq!(expr(&ticket, "title"), json!("$.title"));
    let sources: Vec<&str> = ticket.fields.iter().map(|f| f.source.as_str()).collect();
    let mut unique = sources.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), sources.len(), "{sources:?}");
}

#[test]
fn nothing_to_map_leaves_every_required_field_unmapped() {
    let suggestions = suggest("stocklevel", &json!({"type": "object"}));
    assert!(suggestions.fields.is_empty());
    assert_eq!(
        suggestions.unmapped_required,
        ["sku", "locationId", "quantity"]
    );
    assert!(suggestions.source_id.is_none());
    // Not a schema at all: still no panic.
    let odd = suggest("contact", &json!(["not", "a", "schema"]));
    assert_eq!(odd.unmapped_required, ["email"]);
}

#[test]
fn suggestions_are_deterministic() {
    for (type_name, schema) in [
        ("call", twilio_call()),
        ("invoice", xero_invoice()),
        ("order", demo_order()),
    ] {
        let first = serde_json::to_string(&suggest(type_name, &schema)).unwrap();
        let second = serde_json::to_string(&suggest(type_name, &schema)).unwrap();
        assert_eq!(first, second);
    }
}

/// A definition reading one stream of `type_name`, mapped with the suggestions.
fn definition(type_name: &str, suggestions: &MappingSuggestions) -> Definition {
    let fields: serde_json::Map<String, Value> = suggestions
        .fields
        .iter()
        .map(|suggestion| {
            (
                suggestion.field.clone(),
                serde_json::to_value(&suggestion.expr).unwrap(),
            )
        })
        .collect();
    let mut mapping = json!({"fields": fields});
    let envelope = |suggestion: &Option<FieldSuggestion>| {
        suggestion
            .as_ref()
            .map(|suggestion| serde_json::to_value::<&Expr>(&suggestion.expr).unwrap())
    };
    if let Some(source_id) = envelope(&suggestions.source_id) {
        mapping["source_id"] = source_id;
    }
    if let Some(updated) = envelope(&suggestions.source_updated_at) {
        mapping["source_updated_at"] = updated;
    }
    serde_json::from_value(json!({
        "id": "suggested",
        "name": "Suggested",
        "version": "1.0.0",
        "base_url": "https://api.example.com",
        "streams": [{
            "name": "records",
            "canonical_type": type_name,
            "read": {"path": "/records", "records": "$.items[*]"},
            "mapping": mapping
        }]
    }))
    .expect("the definition deserializes")
}

#[test]
fn suggested_mappings_pass_the_connector_build() {
    let registry = CanonicalRegistry::builtin();
    for (type_name, schema) in [
        ("call", twilio_call()),
        ("invoice", xero_invoice()),
        ("contact", square_customer()),
        ("order", demo_order()),
        ("product", demo_product()),
        ("product", spree_variant()),
    ] {
        let suggestions = suggest(type_name, &schema);
        assert!(suggestions.unmapped_required.is_empty(), "{type_name}");
        if let Err(diagnostics) = Connector::build(definition(type_name, &suggestions), &registry) {
            panic!("{type_name}: {diagnostics:#?}");
        }
    }
}

#[test]
fn suggested_mappings_map_sample_records() {
    let registry = CanonicalRegistry::builtin();
    let suggestions = suggest("call", &twilio_call());
    let connector = Connector::build(definition("call", &suggestions), &registry).unwrap();
    let stream = &connector.streams()[0];
    let record = json!({
        "sid": "CA42", "direction": "outbound-api", "status": "in-progress", "duration": "",
        "from": "+15551230000", "to": "+15559870000",
        "start_time": "Fri, 04 Sep 2015 22:54:41 +0000", "end_time": null,
        "price": "-0.02", "price_unit": "usd", "date_updated": "Fri, 04 Sep 2015 22:55:00 +0000"
    });
    let mapped = stream.mapper.apply(&record).expect("the record maps");
    assert_eq!(
        Value::Object(mapped.data.clone()),
        json!({
            "callId": "CA42", "direction": "outbound", "status": "in_progress",
            "from": "+15551230000", "to": "+15559870000",
            "startedAt": "2015-09-04T22:54:41Z", "price": "-0.02", "currency": "USD"
        })
    );
    assert!(
        stream
            .canonical
            .validate(&Value::Object(mapped.data))
            .is_empty()
    );
}

/// Resource words as discovery passes them: the operation id's, then the path's.
fn resource_words(text: &str) -> Vec<String> {
    text.split_whitespace().map(String::from).collect()
}

#[test]
fn ranking_prefers_the_type_the_path_names() {
    let registry = CanonicalRegistry::builtin();
    let words = resource_words("list customers v2 customers");
    let ranked = rank_canonical_types(&registry, &words, &square_customer());
    assert_eq!(ranked[0].canonical_type, "contact", "{ranked:#?}");
    assert_eq!(
        ranked[0].reason,
        "path names customers; 1 of 1 required fields found (email)"
    );
    assert!(ranked[0].confidence > 0.8, "{ranked:#?}");
    assert!(!ranked[0].fields.is_empty());
    assert!(ranked.len() <= 3);
    assert!(
        ranked
            .windows(2)
            .all(|pair| pair[0].confidence >= pair[1].confidence)
    );
}

#[test]
fn ranking_discounts_parent_resources_and_qualifiers() {
    let registry = CanonicalRegistry::builtin();
    // `/2010-04-01/Accounts/{AccountSid}/Calls.json`: the calls of an account.
    let words = resource_words("list call 2010 04 01 accounts calls");
    let ranked = rank_canonical_types(&registry, &words, &twilio_call());
    assert_eq!(ranked[0].canonical_type, "call", "{ranked:#?}");
    assert!(ranked[0].confidence > 0.8, "{ranked:#?}");
    if let Some(company) = ranked.iter().find(|c| c.canonical_type == "company") {
        assert!(company.confidence < 0.5, "{ranked:#?}");
    }

    // `items` only qualifies `stock`; an undocumented record leaves the path to decide.
    let words = resource_words("stock items list api v2 platform stock items");
    let undocumented =
        json!({"properties": {"id": {"type": "string"}, "attributes": {"type": "object"}}});
    let ranked = rank_canonical_types(&registry, &words, &undocumented);
    assert_eq!(ranked.len(), 1, "{ranked:#?}");
    assert_eq!(ranked[0].canonical_type, "stocklevel");
    assert_eq!(
        ranked[0].reason,
        "path names stock items; 0 of 3 required fields found; missing sku, locationId, quantity"
    );
    let ranked = rank_canonical_types(&registry, &words, &spree_variant());
    let stock = ranked
        .iter()
        .find(|candidate| candidate.canonical_type == "stocklevel")
        .expect("stocklevel is a candidate");
    assert!(
        stock.reason.contains("missing locationId"),
        "{}",
        stock.reason
    );
}

#[test]
fn ranking_without_a_fit_returns_nothing() {
    let registry = CanonicalRegistry::builtin();
    let schema = json!({"properties": {"foo": {"type": "string"}, "bar": {"type": "boolean"}}});
    assert!(rank_canonical_types(&registry, &["widgets".to_owned()], &schema).is_empty());
}
