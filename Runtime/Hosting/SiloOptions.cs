using System.Text.Json;
using Microsoft.Extensions.Options;

namespace WalletGrains.Runtime;

/// <summary>Settings of one silo (timeouts, idle collection, reminder polling, state serialisation).</summary>
public sealed class SiloOptions
{
    /// <summary>Name shown in logs and introspection snapshots.</summary>
    public string SiloName { get; set; } = "silo-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>How long a caller waits for a grain call before it fails with <see cref="TimeoutException"/> (Orleans default 30 s).</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long an activation may sit idle before it is deactivated (Orleans default 15 min).</summary>
    public TimeSpan CollectionAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often idle activations are looked for.</summary>
    public TimeSpan CollectionQuantum { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Longest time a deactivation (waiting for running turns, then OnDeactivateAsync) may take before it is forced.</summary>
    public TimeSpan DeactivationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the reminder table is polled for due ticks; bounds how late a tick may fire.</summary>
    public TimeSpan ReminderPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How grain state is written as JSON (add converters here for domain types).</summary>
    public JsonSerializerOptions StateSerializerOptions { get; set; } = new(JsonSerializerDefaults.Web);
}

/// <summary>Rejects silo settings that would make the runtime misbehave, quoting the value.</summary>
internal sealed class SiloOptionsValidator : IValidateOptions<SiloOptions>
{
    public ValidateOptionsResult Validate(string? name, SiloOptions options)
    {
        List<string>? failures = null;
        void Positive(TimeSpan value, string property)
        {
            if (value <= TimeSpan.Zero)
            {
                (failures ??= []).Add($"SiloOptions.{property} must be positive; got '{value}'.");
            }
        }

        Positive(options.CallTimeout, nameof(SiloOptions.CallTimeout));
        Positive(options.CollectionAge, nameof(SiloOptions.CollectionAge));
        Positive(options.CollectionQuantum, nameof(SiloOptions.CollectionQuantum));
        Positive(options.DeactivationTimeout, nameof(SiloOptions.DeactivationTimeout));
        Positive(options.ReminderPollInterval, nameof(SiloOptions.ReminderPollInterval));
        if (string.IsNullOrWhiteSpace(options.SiloName))
        {
            (failures ??= []).Add($"SiloOptions.SiloName must not be empty; got '{options.SiloName}'.");
        }

        return failures is null ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
