import Bert
import HuggingFaceHub
import TextDatasets
import WordPiece

// The errors of the model, data and tokenizer targets under the SPEC's fixed `ename`s.

extension BertError: CellErrorConvertible {
    public var sessionError: SessionError {
        switch kind {
        case .file: return SessionError(.file, message)
        case .format: return SessionError(.format, message)
        case .argument: return SessionError(.argument, message)
        case .numeric: return SessionError(.numeric, message)
        }
    }
}

extension DatasetError: CellErrorConvertible {
    public var sessionError: SessionError {
        switch kind {
        case .file: return SessionError(.file, message)
        case .format: return SessionError(.format, message)
        case .argument: return SessionError(.argument, message)
        }
    }
}

extension WordPieceError: CellErrorConvertible {
    /// A tokenizer error names a file (a missing or malformed vocabulary) or, without one, an
    /// impossible truncation request.
    public var sessionError: SessionError {
        if file != nil { return SessionError(.format, description) }
        return SessionError(.argument, description)
    }
}

extension ModelNotFoundError: CellErrorConvertible {
    public var sessionError: SessionError { SessionError(.file, description, argument: "model") }
}

extension HubError: CellErrorConvertible {
    public var sessionError: SessionError {
        switch kind {
        case .revisionNotFound: return SessionError(.argument, message, argument: "revision")
        case .integrity: return SessionError(.format, message, argument: "model")
        case .repositoryNotFound, .unauthorized, .unreachable, .other: return SessionError(.file, message, argument: "model")
        }
    }
}
