"""Adversarial reconstruction terms trained with one optimizer (paper Table 2)."""

from keras import ops


def discriminator_loss(real_logits, fake_logits):
    """Non-saturating GAN loss of the discriminator.

    `mean(softplus(-real_logits)) + mean(softplus(fake_logits))`.
    """
    return ops.mean(ops.softplus(-real_logits)) + ops.mean(ops.softplus(fake_logits))


def generator_adversarial_loss(fake_logits):
    """Non-saturating GAN loss of the generator: softplus(-D(fake))."""
    return ops.mean(ops.softplus(-fake_logits))


def adversarial_terms(discriminator, real, fake, weight=1.0, training=True):
    """Discriminator and generator losses whose sum one optimizer can minimise.

    `total = D_loss(D(real), D(sg(fake))) + w [G_adv(D(fake)) - G_adv(D(sg(fake)))]`
    with `sg` = stop-gradient. The bracket is 0 in value and its gradient with
    respect to the discriminator's weights is 0 (both halves see the same
    images), so the discriminator follows only `D_loss`; the generator sees only
    `G_adv(D(fake))` (`D_loss` reaches it through `sg(fake)`: no gradient). One
    optimizer over all variables therefore trains both players, in the same
    `compute_loss` on every backend.

    Args:
        discriminator: callable `(batch, H, W, 3)` -> logits.
        real: `(batch, H, W, 3)` real images.
        fake: `(batch, H, W, 3)` generated images (differentiable).
        weight: float w, default 1. Weight of the generator's term.
        training: bool, passed to the discriminator.

    Returns:
        Dict of scalars: `"total"` (to add to the loss), `"discriminator"`
        (D_loss) and `"generator"` (G_adv(D(fake)), the generator's term).
    """
    fake = ops.convert_to_tensor(fake)
    fake_stopped = ops.stop_gradient(fake)
    real_logits = discriminator(real, training=training)
    fake_stopped_logits = discriminator(fake_stopped, training=training)
    fake_logits = discriminator(fake, training=training)
    d_loss = discriminator_loss(real_logits, fake_stopped_logits)
    g_loss = generator_adversarial_loss(fake_logits)
    g_loss_stopped = generator_adversarial_loss(fake_stopped_logits)
    bracket = weight * (g_loss - g_loss_stopped)
    return {"total": d_loss + bracket, "discriminator": d_loss, "generator": g_loss}
