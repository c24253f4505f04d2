namespace WalletGrains.Runtime;

/// <summary>Identity of a grain: its grain type name and its key.</summary>
/// <param name="Type">The grain type name (the class name, or <see cref="GrainTypeAttribute"/>).</param>
/// <param name="Key">The primary key string.</param>
public readonly record struct GrainId(string Type, string Key)
{
    /// <inheritdoc />
    public override string ToString() => $"{Type}/{Key}";
}
