namespace WalletGrains.Runtime;

/// <summary>Marker for grain interfaces, as in Orleans.</summary>
public interface IGrain;

/// <summary>A grain addressed by a string key.</summary>
public interface IGrainWithStringKey : IGrain;
