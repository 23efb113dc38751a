using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;
using Orleans.Hosting;

namespace Orleans.AsyncInvoke.Client;

/// <summary>
/// Mutual TLS for Orleans traffic (<c>AsyncInvoke:Cluster:Tls</c>): silo to silo and client to gateway. Each side
/// presents its certificate and accepts only peers whose certificate chains to the configured certificate authority.
/// </summary>
public sealed class ClusterTlsOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "AsyncInvoke:Cluster:Tls";

    /// <summary>This side's certificate (PEM). TLS is on when it is set.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>Its private key (PEM); may be left out when the certificate file holds the key too.</summary>
    public string? KeyPath { get; set; }

    /// <summary>The certificate authority (PEM, one or more certificates) that every peer's certificate must chain to.</summary>
    public string? CaPath { get; set; }

    /// <summary>Whether TLS is configured.</summary>
    public bool Enabled => !string.IsNullOrWhiteSpace(CertificatePath);
}

/// <summary>Loads the certificates of <see cref="ClusterTlsOptions"/> and configures Orleans' TLS with them.</summary>
public static class ClusterTls
{
    /// <summary>What is wrong with the options, one line per key; empty when they can be used.</summary>
    public static IReadOnlyList<string> Problems(ClusterTlsOptions options)
    {
        var problems = new List<string>();
        if (!options.Enabled)
        {
            if (!string.IsNullOrWhiteSpace(options.KeyPath) || !string.IsNullOrWhiteSpace(options.CaPath))
            {
                problems.Add($"{ClusterTlsOptions.SectionName}:CertificatePath must be set when KeyPath or CaPath is.");
            }

            return problems;
        }

        foreach (var (key, path) in new[] { ("CertificatePath", options.CertificatePath), ("KeyPath", options.KeyPath), ("CaPath", options.CaPath) })
        {
            if (key == "KeyPath" && string.IsNullOrWhiteSpace(path))
            {
                continue;
            }

            if (string.IsNullOrWhiteSpace(path))
            {
                problems.Add($"{ClusterTlsOptions.SectionName}:{key} must be set: peers are accepted only when their certificate chains to this authority.");
            }
            else if (!File.Exists(path))
            {
                problems.Add($"{ClusterTlsOptions.SectionName}:{key} names a file that does not exist ({path}).");
            }
        }

        if (problems.Count == 0)
        {
            try
            {
                using var certificate = LoadCertificate(options);
                if (!certificate.HasPrivateKey)
                {
                    problems.Add($"{ClusterTlsOptions.SectionName}:KeyPath must name the certificate's private key (PEM).");
                }

                if (LoadAuthorities(options.CaPath!).Count == 0)
                {
                    problems.Add($"{ClusterTlsOptions.SectionName}:CaPath holds no certificate (PEM).");
                }
            }
            catch (CryptographicException ex)
            {
                problems.Add($"{ClusterTlsOptions.SectionName}: the certificate or key cannot be read as PEM: {ex.Message}");
            }
        }

        return problems;
    }

    /// <summary>This side's certificate with its key, usable by TLS on every platform.</summary>
    public static X509Certificate2 LoadCertificate(ClusterTlsOptions options)
    {
        using var pem = string.IsNullOrWhiteSpace(options.KeyPath)
            ? X509Certificate2.CreateFromPemFile(options.CertificatePath!)
            : X509Certificate2.CreateFromPemFile(options.CertificatePath!, options.KeyPath);

        // A PEM key is ephemeral; a PKCS#12 round trip gives TLS a certificate whose key it can always use.
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>The certificate authorities in a PEM file.</summary>
    public static X509Certificate2Collection LoadAuthorities(string caPath)
    {
        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(caPath);
        return authorities;
    }

    /// <summary>Requires a certificate from every peer and accepts it only when it chains to one of <paramref name="authorities"/>.</summary>
    public static void Configure(TlsOptions tls, X509Certificate2Collection authorities)
    {
        tls.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        tls.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        // Peers are reached by address, not by a name their certificates could carry: trust comes from the chain.
        tls.RemoteCertificateValidation = (certificate, _, _) => ChainsTo(certificate, authorities);
    }

    /// <summary>Whether <paramref name="certificate"/> chains to one of <paramref name="authorities"/> (and only to them).</summary>
    public static bool ChainsTo(X509Certificate2? certificate, X509Certificate2Collection authorities)
    {
        if (certificate is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    /// <summary>Connects this client to the cluster over mutual TLS with the configured certificates.</summary>
    public static IClientBuilder UseAsyncInvokeTls(this IClientBuilder client, ClusterTlsOptions options)
    {
        var problems = Problems(options);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(string.Join(Environment.NewLine, problems));
        }

        var authorities = LoadAuthorities(options.CaPath!);
        return client.UseTls(LoadCertificate(options), tls => Configure(tls, authorities));
    }
}
