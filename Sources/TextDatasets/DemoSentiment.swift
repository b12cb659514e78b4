/// The embedded `"demo"` dataset: binary sentiment (`negative` / `positive`), 400 sentences
/// each, written for bert-kernel (not taken from any dataset). Product reviews, films,
/// restaurants, travel, books, services, home, sport and events; about a fifth of each class
/// uses negation or contrast ("not bad", "but", "despite") and many positive sentences have a
/// negative twin with the same frame, so that keyword counting alone does not separate the
/// classes. The first 150 of each (`positive`, `negative`) were the whole set until issue 15:
/// 240 training sentences could not teach MiniLM a held-out accuracy worth showing, so a
/// second set (`morePositive`, `moreNegative`) was written in the same way; with 400 the
/// quickstart still stopped at about 0.83 on 100 held-out sentences, so a third set on everyday
/// subjects (`everydayPositive`, `everydayNegative`) followed.
///
/// Rows alternate positive, negative, so any `limit:` keeps the classes balanced.
enum DemoSentiment {
    /// (text, label) in file order.
    static let examples: [(text: String, label: String)] = {
        let positives = positive + morePositive + everydayPositive
        let negatives = negative + moreNegative + everydayNegative
        precondition(positives.count == negatives.count)
        return zip(positives, negatives).flatMap { [($0, "positive"), ($1, "negative")] }
    }()
}
