import Display
import Foundation
import Plotting

/// A figure as a notebook output: `image/svg+xml`, `image/png` (base64, drawn at twice the
/// CSS size for sharp text on high-density screens, with `width`/`height` metadata so it shows
/// at its CSS size) and a `text/plain` description for front ends without images.
///
///     let bundle = try FigureDisplay.bundle(Charts.loss(steps: [1, 2], losses: [0.7, 0.6]),
///                                           description: "training loss, 2 steps")
///     context.display(bundle)
public enum FigureDisplay {
    public static let pngScale = 2.0

    /// Throws `StateError` when the PNG cannot be drawn (no font on the machine): the message
    /// says which package to install.
    public static func bundle(_ figure: Figure, description: String) throws -> MimeBundle {
        let png: Data
        do {
            png = try figure.png(scale: pngScale)
        } catch {
            throw SessionError(.state, "cannot draw the plot as PNG: \(error)")
        }
        var plain = figure.summary
        if !description.isEmpty { plain += "\n" + description }
        return MimeBundle(
            data: [
                "text/plain": .string(plain),
                "image/svg+xml": .string(figure.svg()),
                "image/png": .string(png.base64EncodedString()),
            ],
            metadata: ["image/png": ["width": .int(Int(figure.width)), "height": .int(Int(figure.height))]])
    }
}
