/// Regular text or bold titles (DejaVu Sans / DejaVu Sans Bold).
public enum FontWeight: Sendable {
    case regular
    case bold
}
