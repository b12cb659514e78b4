import Foundation

/// The first principal components of a set of points, for a 2-D map of embeddings.
///
///     let pca = PrincipalComponents(rows: vectors, count: 2)     // vectors: (N, C)
///     pca.scores          // (N, 2) coordinates
///     pca.explained       // (2) share of the total variance of each component
///
/// The covariance (C, C) of the centred rows is decomposed by subspace iteration (repeated
/// multiplication and Gram-Schmidt, from a fixed start, so the result does not depend on a
/// random seed) followed by Rayleigh-Ritz on the k x k projection (Golub & Van Loan, 8.2.4). Eigenvectors are defined up to sign; each is turned so that its
/// largest-magnitude entry is positive (the first on ties), so the same data always draws the
/// same picture, the same way up.
public struct PrincipalComponents: Equatable {
    /// (k, C) unit eigenvectors of the covariance, largest eigenvalue first
    public let components: [[Double]]
    /// (k) eigenvalues (variances along the components)
    public let variances: [Double]
    /// (k) variances / total variance
    public let explained: [Double]
    /// (N, k) the centred rows projected on the components
    public let scores: [[Double]]

    /// - rows: (N, C), N ≥ 1 rows of equal length
    /// - count: k components, at most C
    public init(rows: [[Double]], count k: Int, iterations: Int = 3000) {
        let N = rows.count, C = rows.first?.count ?? 0
        precondition(N > 0 && C > 0 && k > 0 && k <= C && rows.allSatisfy { $0.count == C }, "N x C rows, k <= C")
        var mean = [Double](repeating: 0, count: C)
        for row in rows { for c in 0..<C { mean[c] += row[c] } }
        for c in 0..<C { mean[c] /= Double(N) }
        let centred = rows.map { row in (0..<C).map { row[$0] - mean[$0] } }
        // Sample covariance with N - 1 (as numpy / sklearn); a single row has none.
        var covariance = [Double](repeating: 0, count: C * C)   // (C, C)
        for row in centred {
            for i in 0..<C where row[i] != 0 {
                let ri = row[i]
                for j in i..<C { covariance[i * C + j] += ri * row[j] }
            }
        }
        let scale = 1 / Double(max(N - 1, 1))
        for i in 0..<C {
            for j in i..<C {
                covariance[i * C + j] *= scale
                covariance[j * C + i] = covariance[i * C + j]
            }
        }
        let total = (0..<C).reduce(0) { $0 + covariance[$1 * C + $1] }
        func dot(_ a: [Double], _ b: [Double]) -> Double {
            var sum = 0.0
            for i in a.indices { sum += a[i] * b[i] }
            return sum
        }
        func multiply(_ v: [Double]) -> [Double] {
            (0..<C).map { i in
                var sum = 0.0
                for j in 0..<C { sum += covariance[i * C + j] * v[j] }
                return sum
            }
        }
        func orthonormalize(_ vectors: inout [[Double]]) {
            for a in vectors.indices {
                for b in 0..<a {
                    let projection = dot(vectors[a], vectors[b])
                    for c in 0..<C { vectors[a][c] -= projection * vectors[b][c] }
                }
                var norm = dot(vectors[a], vectors[a]).squareRoot()
                if !(norm > 1e-300) {
                    // A zero direction (rank below k): continue from a unit vector.
                    vectors[a] = (0..<C).map { $0 == a ? 1 : 0 }
                    for b in 0..<a {
                        let projection = vectors[b][a]
                        for c in 0..<C { vectors[a][c] -= projection * vectors[b][c] }
                    }
                    norm = dot(vectors[a], vectors[a]).squareRoot()
                }
                for c in 0..<C { vectors[a][c] /= norm }
            }
        }
        // A fixed start that is not orthogonal to any axis in practice.
        var basis: [[Double]] = (0..<k).map { a in (0..<C).map { c in 1 + sin(Double(c * (a + 1) + a)) } }
        orthonormalize(&basis)
        for _ in 0..<iterations {
            var next = basis.map(multiply)
            orthonormalize(&next)
            // The sine of the largest angle between the new subspace and the old one.
            var change = 0.0
            for a in 0..<k {
                var residual = next[a]
                for b in 0..<k {
                    let projection = dot(next[a], basis[b])
                    for c in 0..<C { residual[c] -= projection * basis[b][c] }
                }
                change = max(change, dot(residual, residual).squareRoot())
            }
            basis = next
            if change < 1e-13 { break }
        }
        // Rayleigh-Ritz: within the converged subspace, the k x k matrix basisᵀ S basis is
        // diagonalised exactly (cyclic Jacobi rotations), which fixes the directions inside it.
        let images = basis.map(multiply)
        var small = (0..<k).map { i in (0..<k).map { j in dot(basis[i], images[j]) } }
        var rotation = (0..<k).map { i in (0..<k).map { j in i == j ? 1.0 : 0.0 } }
        for _ in 0..<100 {
            var off = 0.0
            for p in 0..<k { for q in 0..<k where p != q { off += small[p][q] * small[p][q] } }
            if off < 1e-300 { break }
            for p in 0..<k {
                for q in (p + 1)..<k where small[p][q] != 0 {
                    let theta = (small[q][q] - small[p][p]) / (2 * small[p][q])
                    let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let cosine = 1 / (t * t + 1).squareRoot(), sine = t * cosine
                    for r in 0..<k {
                        let (x, y) = (small[r][p], small[r][q])
                        small[r][p] = cosine * x - sine * y
                        small[r][q] = sine * x + cosine * y
                    }
                    for r in 0..<k {
                        let (x, y) = (small[p][r], small[q][r])
                        small[p][r] = cosine * x - sine * y
                        small[q][r] = sine * x + cosine * y
                    }
                    for r in 0..<k {
                        let (x, y) = (rotation[r][p], rotation[r][q])
                        rotation[r][p] = cosine * x - sine * y
                        rotation[r][q] = sine * x + cosine * y
                    }
                }
            }
        }
        var eigen = (0..<k).map { i in
            (vector: (0..<C).map { c in (0..<k).reduce(0.0) { $0 + rotation[$1][i] * basis[$1][c] } }, value: small[i][i])
        }
        eigen.sort { $0.value > $1.value }
        components = eigen.map { e in
            var peak = 0
            for c in e.vector.indices where abs(e.vector[c]) > abs(e.vector[peak]) { peak = c }
            return e.vector[peak] < 0 ? e.vector.map { -$0 } : e.vector
        }
        variances = eigen.map { max($0.value, 0) }
        explained = variances.map { total > 0 ? $0 / total : 0 }
        let axes = components
        scores = centred.map { row in axes.map { dot(row, $0) } }
    }
}
