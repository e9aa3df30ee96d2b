//! The demo data set: products, locations, stock levels and orders generated from a seed.
//!
//! Generation is a pure function of [`DataConfig`]: the same seed, sizes and base instant give
//! the same records, byte for byte, on every platform. Each record draws from its own
//! pseudo-random stream, keyed by the seed, its kind and its index (SplitMix64, written out here
//! so the output can never change under a dependency update). Every timestamp is the base
//! instant minus a generated number of seconds, never the wall clock.

use jiff::Timestamp;
use serde::{Serialize, Serializer};

/// Sizes, seed and base instant of a demo data set.
///
/// The defaults make a few thousand records: 500 products, 4 locations (so 2,000 stock levels)
/// and 1,000 orders, seed 42, base instant 2024-06-01T00:00:00Z. For a benchmark, raise one
/// size, e.g. `orders: 200_000`, or `products: 50_000` for 200,000 stock levels over the 4
/// locations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataConfig {
    /// Seed of every pseudo-random choice.
    pub seed: u64,
    /// Number of products.
    pub products: usize,
    /// Number of locations; each holds a stock level for every product.
    pub locations: usize,
    /// Number of orders.
    pub orders: usize,
    /// The instant the data set is "as of": every timestamp lies at or before it.
    pub base_time: Timestamp,
}

/// Default seed of the demo data.
pub const DEFAULT_SEED: u64 = 42;
/// Default number of products.
pub const DEFAULT_PRODUCTS: usize = 500;
/// Default number of locations.
pub const DEFAULT_LOCATIONS: usize = 4;
/// Default number of orders.
pub const DEFAULT_ORDERS: usize = 1_000;
/// Default base instant, 2024-06-01T00:00:00Z, as Unix seconds.
pub const DEFAULT_BASE_TIME_SECONDS: i64 = 1_717_200_000;

impl Default for DataConfig {
    fn default() -> Self {
        Self {
            seed: DEFAULT_SEED,
            products: DEFAULT_PRODUCTS,
            locations: DEFAULT_LOCATIONS,
            orders: DEFAULT_ORDERS,
            base_time: Timestamp::from_second(DEFAULT_BASE_TIME_SECONDS)
                .expect("the default base instant is in range"),
        }
    }
}

/// A generated data set. Records serialise (serde) exactly as the API serves them.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoData {
    /// The configuration the data was generated from.
    pub config: DataConfig,
    /// Products, ordered by id.
    pub products: Vec<Product>,
    /// Locations, in order.
    pub locations: Vec<Location>,
    /// Stock levels, location by location, each in product order.
    pub stock_levels: Vec<StockLevel>,
    /// Orders, ordered by id.
    pub orders: Vec<Order>,
}

/// A product as `GET /v1/products` serves it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Product {
    /// Product id, `prod_000001`.
    pub id: String,
    /// Stock keeping unit, `SKU-000001`.
    pub sku: String,
    /// Title, e.g. `Classic Oak Desk Lamp`.
    pub title: String,
    /// Long description.
    pub description: String,
    /// Price in minor units; served as a JSON number in major units (`"price": 19.99`).
    #[serde(rename = "price", serialize_with = "cents_as_number")]
    pub price_cents: i64,
    /// Lowercase currency code (`eur`, `usd`, `gbp`).
    pub currency: String,
    /// Status code: 1 active, 2 draft, 3 archived.
    pub status: u8,
    /// Variants (sizes, colours); may be empty.
    pub variants: Vec<Variant>,
    /// When the product was created.
    #[serde(serialize_with = "rfc3339")]
    pub created_at: Timestamp,
    /// When the product last changed.
    #[serde(serialize_with = "rfc3339")]
    pub updated_at: Timestamp,
}

/// A product variant.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Variant {
    /// Variant SKU, the product's SKU with a suffix (`SKU-000001-M`).
    pub sku: String,
    /// Variant title, e.g. `Medium` or `Blue`.
    pub title: String,
    /// Price in minor units; served as a JSON number in major units.
    #[serde(rename = "price", serialize_with = "cents_as_number")]
    pub price_cents: i64,
    /// EAN-13 barcode (with a valid check digit).
    pub barcode: String,
}

/// A location (warehouse) as `GET /v1/locations` serves it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    /// Location id, e.g. `berlin`; the first location is always `berlin`.
    pub id: String,
    /// Name, e.g. `Berlin Warehouse`.
    pub name: String,
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
}

/// A stock level as `GET /v1/locations/{location_id}/stock` serves it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StockLevel {
    /// SKU of the product.
    pub sku: String,
    /// Id of the location.
    pub location_id: String,
    /// Units on hand; `null` (about one record in a hundred) when the count is unknown.
    pub on_hand: Option<i64>,
    /// Units reserved for open orders.
    pub reserved: i64,
    /// When the count last changed.
    #[serde(serialize_with = "rfc3339")]
    pub updated_at: Timestamp,
}

/// An order as `GET /v1/orders` serves it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Order {
    /// Numeric order id, from 100001 up.
    pub id: u64,
    /// Human-facing number, `DEMO-000001`.
    pub number: String,
    /// State.
    pub state: OrderState,
    /// Lowercase currency code.
    pub currency: String,
    /// Sum of the lines, in minor units.
    pub subtotal_cents: i64,
    /// Shipping, in minor units (free from 50.00 up).
    pub shipping_cents: i64,
    /// Grand total (subtotal plus shipping), in minor units.
    pub total_cents: i64,
    /// When the order was placed.
    #[serde(serialize_with = "rfc3339")]
    pub created_at: Timestamp,
    /// When the order last changed (at or after `created_at`).
    #[serde(serialize_with = "rfc3339")]
    pub updated_at: Timestamp,
    /// Who ordered.
    pub customer: Customer,
    /// What was ordered (empty only when there are no products).
    pub lines: Vec<OrderLine>,
}

/// The state of an order, served as a lowercase string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OrderState {
    /// Placed, not paid.
    Pending,
    /// Paid, not shipped.
    Paid,
    /// Shipped.
    Fulfilled,
    /// Cancelled before shipping.
    Cancelled,
    /// Paid back.
    Refunded,
}

/// The customer of an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Customer {
    /// Customer id, `cus_00001`.
    pub id: String,
    /// E-mail address (at example.com).
    pub email: String,
    /// Full name.
    pub name: String,
}

/// A line of an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OrderLine {
    /// SKU of the product ordered.
    pub sku: String,
    /// Title of the product at order time.
    pub title: String,
    /// Units ordered.
    pub qty: u32,
    /// Price of one unit, in minor units.
    pub unit_price_cents: i64,
}

impl DemoData {
    /// Generates the data set `config` describes.
    pub fn generate(config: &DataConfig) -> Self {
        let products: Vec<Product> = (0..config.products)
            .map(|index| product(config, index))
            .collect();
        let locations: Vec<Location> = (0..config.locations).map(location).collect();
        let mut stock_levels = Vec::with_capacity(config.products * config.locations);
        for (location_index, location) in locations.iter().enumerate() {
            for (product_index, product) in products.iter().enumerate() {
                stock_levels.push(stock_level(
                    config,
                    product_index,
                    product,
                    location_index,
                    location,
                ));
            }
        }
        let orders = (0..config.orders)
            .map(|index| order(config, &products, index))
            .collect();
        Self {
            config: config.clone(),
            products,
            locations,
            stock_levels,
            orders,
        }
    }

    /// The stock levels of one location, in product order (empty for an unknown id).
    pub fn stock_at(&self, location_id: &str) -> &[StockLevel] {
        let per_location = self.config.products;
        match self.locations.iter().position(|l| l.id == location_id) {
            Some(index) => &self.stock_levels[index * per_location..(index + 1) * per_location],
            None => &[],
        }
    }

    /// The orders whose `updated_at` is at or after `since`, as `updated_since` filters them.
    pub fn orders_updated_since(&self, since: Timestamp) -> impl Iterator<Item = &Order> {
        self.orders.iter().filter(move |o| o.updated_at >= since)
    }
}

// ---------------------------------------------------------------------------------------------
// Generation

const DAY: i64 = 86_400;

/// Record kinds, mixed into each record's random stream.
const PRODUCT: u64 = 1;
const STOCK: u64 = 2;
const ORDER: u64 = 3;

const ADJECTIVES: &[&str] = &[
    "Classic", "Compact", "Deluxe", "Everyday", "Nordic", "Rustic", "Modern", "Vintage", "Urban",
    "Coastal", "Alpine", "Minimal",
];
const MATERIALS: &[&str] = &[
    "Oak", "Walnut", "Linen", "Wool", "Ceramic", "Steel", "Bamboo", "Leather", "Glass", "Cotton",
];
/// Nouns, each with whether its variants are sizes (else colours).
const NOUNS: &[(&str, bool)] = &[
    ("Desk Lamp", false),
    ("Backpack", true),
    ("Coffee Mug", false),
    ("Throw Blanket", true),
    ("Notebook", true),
    ("Water Bottle", true),
    ("Plant Pot", true),
    ("Wall Clock", false),
    ("Cutting Board", true),
    ("Tote Bag", false),
    ("Candle", true),
    ("Serving Bowl", true),
    ("Picture Frame", true),
    ("Doormat", false),
    ("Bookend Set", false),
];
const SIZES: &[(&str, &str)] = &[("S", "Small"), ("M", "Medium"), ("L", "Large")];
const COLOURS: &[(&str, &str)] = &[
    ("BLK", "Black"),
    ("WHT", "White"),
    ("BLU", "Blue"),
    ("GRN", "Green"),
];
const LOCATIONS: &[(&str, &str, &str)] = &[
    ("berlin", "Berlin", "DE"),
    ("paris", "Paris", "FR"),
    ("madrid", "Madrid", "ES"),
    ("milan", "Milan", "IT"),
    ("warsaw", "Warsaw", "PL"),
    ("amsterdam", "Amsterdam", "NL"),
    ("vienna", "Vienna", "AT"),
    ("stockholm", "Stockholm", "SE"),
    ("lisbon", "Lisbon", "PT"),
    ("dublin", "Dublin", "IE"),
    ("prague", "Prague", "CZ"),
    ("copenhagen", "Copenhagen", "DK"),
];
const FIRST_NAMES: &[&str] = &[
    "Anna", "Ben", "Chiara", "David", "Elif", "Felix", "Greta", "Hugo", "Ines", "Jonas", "Kira",
    "Luca", "Maja", "Noah", "Olga", "Pablo",
];
const LAST_NAMES: &[&str] = &[
    "Schmidt",
    "Dubois",
    "Garcia",
    "Rossi",
    "Nowak",
    "de Vries",
    "Huber",
    "Lindqvist",
    "Silva",
    "Murphy",
    "Novak",
    "Jensen",
];

fn product(config: &DataConfig, index: usize) -> Product {
    let mut rng = Rng::keyed(config.seed, PRODUCT, index as u64, 0);
    let number = index + 1;
    let sku = format!("SKU-{number:06}");
    let adjective = rng.pick(ADJECTIVES);
    let material = rng.pick(MATERIALS);
    let &(noun, sized) = rng.pick(NOUNS);
    let title = format!("{adjective} {material} {noun}");
    let description = format!(
        "A {} {} in {}, made to last. Ships in recycled packaging.",
        adjective.to_lowercase(),
        noun.to_lowercase(),
        material.to_lowercase()
    );
    // Whole units from 2 to 249 with one of the usual endings: 19.99, 24.50, 30.00.
    let units = rng.range(2, 249) as i64;
    let price_cents = units * 100 + *rng.pick(&[99, 99, 50, 0]);
    let currency = currency(&mut rng);
    let status = match rng.below(100) {
        0..80 => 1,
        80..92 => 2,
        _ => 3,
    };
    let options = if sized { SIZES } else { COLOURS };
    let variant_count = rng.below(options.len() as u64 + 1) as usize;
    let variants = options[..variant_count]
        .iter()
        .enumerate()
        .map(|(position, (code, name))| Variant {
            sku: format!("{sku}-{code}"),
            title: (*name).to_owned(),
            // Larger sizes cost a little more; colours cost the same.
            price_cents: price_cents + if sized { position as i64 * 200 } else { 0 },
            barcode: ean13(400_000_000_000 + (index as u64) * 10 + position as u64),
        })
        .collect();
    let created_at =
        config.base_time.as_second() - rng.range(30 * DAY as u64, 730 * DAY as u64) as i64;
    let updated_at = between(&mut rng, created_at, config.base_time.as_second());
    Product {
        id: format!("prod_{number:06}"),
        sku,
        title,
        description,
        price_cents,
        currency,
        status,
        variants,
        created_at: timestamp(created_at),
        updated_at: timestamp(updated_at),
    }
}

fn location(index: usize) -> Location {
    let (id, city, country) = LOCATIONS[index % LOCATIONS.len()];
    let round = index / LOCATIONS.len();
    let (id, name) = if round == 0 {
        (id.to_owned(), format!("{city} Warehouse"))
    } else {
        (
            format!("{id}-{}", round + 1),
            format!("{city} Warehouse {}", round + 1),
        )
    };
    Location {
        id,
        name,
        country: country.to_owned(),
    }
}

fn stock_level(
    config: &DataConfig,
    product_index: usize,
    product: &Product,
    location_index: usize,
    location: &Location,
) -> StockLevel {
    let mut rng = Rng::keyed(
        config.seed,
        STOCK,
        product_index as u64,
        location_index as u64,
    );
    // About one count in a hundred is unknown: the source has no data, which is not zero.
    let on_hand = match rng.below(100) {
        0 => None,
        1..=10 => Some(0),
        _ => Some(rng.range(1, 500) as i64),
    };
    let reserved = match on_hand {
        Some(count) if count > 0 && rng.below(3) == 0 => rng.range(1, count.min(20) as u64) as i64,
        _ => 0,
    };
    let base = config.base_time.as_second();
    let updated_at = base - rng.range(0, 60 * DAY as u64) as i64;
    StockLevel {
        sku: product.sku.clone(),
        location_id: location.id.clone(),
        on_hand,
        reserved,
        updated_at: timestamp(updated_at),
    }
}

fn order(config: &DataConfig, products: &[Product], index: usize) -> Order {
    let mut rng = Rng::keyed(config.seed, ORDER, index as u64, 0);
    let number = index + 1;
    let base = config.base_time.as_second();
    // Orders are placed in id order over the year before the base instant, a few minutes apart.
    let span = 365 * DAY;
    let step = span / config.orders.max(1) as i64;
    let created_at = base - span + step * index as i64 + rng.below(step.max(1) as u64) as i64;
    let updated_at = between(&mut rng, created_at, (created_at + 30 * DAY).min(base));
    let state = match rng.below(100) {
        0..10 => OrderState::Pending,
        10..35 => OrderState::Paid,
        35..85 => OrderState::Fulfilled,
        85..93 => OrderState::Cancelled,
        _ => OrderState::Refunded,
    };
    let currency = currency(&mut rng);
    let customers = (config.orders / 3).max(1) as u64;
    let customer_number = rng.below(customers) + 1;
    let customer = customer(config.seed, customer_number);
    let line_count = if products.is_empty() {
        0
    } else {
        rng.range(1, 4) as usize
    };
    let lines: Vec<OrderLine> = (0..line_count)
        .map(|_| {
            let product = &products[rng.below(products.len() as u64) as usize];
            OrderLine {
                sku: product.sku.clone(),
                title: product.title.clone(),
                qty: rng.range(1, 3) as u32,
                unit_price_cents: product.price_cents,
            }
        })
        .collect();
    let subtotal_cents: i64 = lines
        .iter()
        .map(|l| i64::from(l.qty) * l.unit_price_cents)
        .sum();
    let shipping_cents = if subtotal_cents >= 5_000 { 0 } else { 495 };
    Order {
        id: 100_000 + number as u64,
        number: format!("DEMO-{number:06}"),
        state,
        currency,
        subtotal_cents,
        shipping_cents,
        total_cents: subtotal_cents + shipping_cents,
        created_at: timestamp(created_at),
        updated_at: timestamp(updated_at),
        customer,
        lines,
    }
}

fn customer(seed: u64, number: u64) -> Customer {
    // A customer's name depends on the customer alone, so repeat buyers keep their name.
    let mut rng = Rng::keyed(seed, ORDER, u64::MAX, number);
    let first = rng.pick(FIRST_NAMES);
    let last = rng.pick(LAST_NAMES);
    let local = format!("{first}.{last}").to_lowercase().replace(' ', "");
    Customer {
        id: format!("cus_{number:05}"),
        email: format!("{local}.{number}@example.com"),
        name: format!("{first} {last}"),
    }
}

fn currency(rng: &mut Rng) -> String {
    match rng.below(100) {
        0..75 => "eur",
        75..90 => "usd",
        _ => "gbp",
    }
    .to_owned()
}

/// A second in `[from, to]` (or `from` when the range is empty).
fn between(rng: &mut Rng, from: i64, to: i64) -> i64 {
    if to <= from {
        from
    } else {
        from + rng.range(0, (to - from) as u64) as i64
    }
}

fn timestamp(seconds: i64) -> Timestamp {
    Timestamp::from_second(seconds).expect("demo timestamps are within jiff's range")
}

/// EAN-13 of a 12-digit number: the number and its check digit.
fn ean13(number: u64) -> String {
    let digits = format!("{:012}", number % 1_000_000_000_000);
    let sum: u32 = digits
        .bytes()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 1 } else { 3 })
        .sum();
    format!("{digits}{}", (10 - sum % 10) % 10)
}

/// SplitMix64: tiny, fast, and fixed forever, so generated data never drifts.
struct Rng(u64);

impl Rng {
    /// The stream of one record: seed, kind and a two-part index mixed into the state.
    fn keyed(seed: u64, kind: u64, a: u64, b: u64) -> Self {
        let mut rng = Rng(seed);
        for part in [kind, a, b] {
            rng.0 ^= part.wrapping_mul(0x9E37_79B9_7F4A_7C15);
            rng.next();
        }
        rng
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `[0, n)`; `n` must be positive. (The modulo bias is irrelevant here.)
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// A number in `[low, high]`.
    fn range(&mut self, low: u64, high: u64) -> u64 {
        low + self.below(high - low + 1)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

fn rfc3339<S: Serializer>(timestamp: &Timestamp, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_str(timestamp)
}

fn cents_as_number<S: Serializer>(cents: &i64, serializer: S) -> Result<S::Ok, S::Error> {
    // Dividing an exact integer by 100 gives the double nearest to the decimal, and serde_json
    // prints the shortest representation that reads back as that double: 1999 → 19.99.
    serializer.serialize_f64(*cents as f64 / 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generation_is_deterministic() {
        let config = DataConfig::default();
        assert_eq!(DemoData::generate(&config), DemoData::generate(&config));
        let other = DemoData::generate(&DataConfig {
            seed: 7,
            ..DataConfig::default()
        });
        assert_ne!(DemoData::generate(&config).products, other.products);
    }

    #[test]
    fn default_sizes() {
        let data = DemoData::generate(&DataConfig::default());
        assert_eq!(data.products.len(), 500);
        assert_eq!(data.locations.len(), 4);
        assert_eq!(data.stock_levels.len(), 2_000);
        assert_eq!(data.orders.len(), 1_000);
        assert_eq!(data.locations[0].id, "berlin");
        let unknown = data
            .stock_levels
            .iter()
            .filter(|s| s.on_hand.is_none())
            .count();
        assert!((5..60).contains(&unknown), "{unknown} unknown counts");
        assert_eq!(data.stock_at("paris").len(), 500);
        assert!(
            data.stock_at("paris")
                .iter()
                .all(|s| s.location_id == "paris")
        );
    }

    #[test]
    fn records_are_consistent() {
        let data = DemoData::generate(&DataConfig::default());
        let base = data.config.base_time;
        for order in &data.orders {
            assert!(order.created_at <= order.updated_at && order.updated_at <= base);
            assert!(!order.lines.is_empty());
            let subtotal: i64 = order
                .lines
                .iter()
                .map(|l| i64::from(l.qty) * l.unit_price_cents)
                .sum();
            assert_eq!(order.total_cents, subtotal + order.shipping_cents);
            assert!(order.customer.email.contains('@'));
        }
        for product in &data.products {
            assert!(product.created_at <= product.updated_at && product.updated_at <= base);
            assert!((1..=3).contains(&product.status));
        }
        assert!(data.orders.is_sorted_by_key(|o| o.created_at));
    }

    #[test]
    fn wire_format() {
        let data = DemoData::generate(&DataConfig::default());
        for record in &data.products {
            let json = serde_json::to_value(record).unwrap();
            let price = json["price"].as_f64().unwrap();
            assert_eq!((price * 100.0).round() as i64, record.price_cents);
        }
        let product = serde_json::to_value(&data.products[0]).unwrap();
        let cents = data.products[0].price_cents;
        if cents % 100 == 99 {
            assert_eq!(product["price"].to_string(), format!("{}.99", cents / 100));
        }
        assert!(product["updated_at"].as_str().unwrap().ends_with('Z'));
        let order = serde_json::to_value(&data.orders[0]).unwrap();
        assert!(order["state"].is_string());
        assert!(order["id"].is_u64());
        let unknown = data
            .stock_levels
            .iter()
            .find(|s| s.on_hand.is_none())
            .unwrap();
        assert!(serde_json::to_value(unknown).unwrap()["on_hand"].is_null());
    }

    #[test]
    fn ean13_check_digit() {
        assert_eq!(ean13(400_638_133_393), "4006381333931");
    }

    #[test]
    fn large_locations_get_unique_ids() {
        let ids: std::collections::HashSet<String> = (0..30).map(|i| location(i).id).collect();
        assert_eq!(ids.len(), 30);
    }
}
