"""Tiny random-weight diffusers pipelines built offline from configs (as diffusers' own tests build theirs), saved
with save_pretrained so the diffusers engine loads them through its real loading path. No weights are downloaded:
the tokenizer is a word-level vocabulary made here, every model is initialised from a fixed torch seed.

The pictures they make are noise shaped like video; what the tests check is everything around the model: sizes,
frame counts and timing, audio, determinism, progress and cancellation, capabilities."""

from __future__ import annotations

from pathlib import Path

_WORDS = ("a cat dog red blue car city night day sea sky forest runs walks over the on in of and with at "
          "slow camera pan zoom light rain snow sun bird fish tree road").split()


def _tokenizer():
    from tokenizers import Tokenizer, models, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    vocab = {"<pad>": 0, "</s>": 1, "<unk>": 2}
    for word in _WORDS:
        vocab.setdefault(word, len(vocab))
    core = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    core.pre_tokenizer = pre_tokenizers.Whitespace()
    core.post_processor = processors.TemplateProcessing(single="$A </s>", special_tokens=[("</s>", 1)])
    return PreTrainedTokenizerFast(tokenizer_object=core, pad_token="<pad>", eos_token="</s>", unk_token="<unk>")


def _umt5():
    from transformers import UMT5Config, UMT5EncoderModel

    return UMT5EncoderModel(UMT5Config(vocab_size=64, d_model=32, d_kv=8, d_ff=64, num_layers=2, num_heads=4,
                                       relative_attention_num_buckets=8))


def _wan_vae():
    from diffusers import AutoencoderKLWan

    return AutoencoderKLWan(base_dim=3, z_dim=16, dim_mult=[1, 1, 1, 1], num_res_blocks=1,
                            temperal_downsample=[False, True, True])


def _wan_transformer(in_channels: int):
    from diffusers import WanTransformer3DModel

    return WanTransformer3DModel(patch_size=(1, 2, 2), num_attention_heads=2, attention_head_dim=12,
                                 in_channels=in_channels, out_channels=16, text_dim=32, freq_dim=256, ffn_dim=32,
                                 num_layers=2, cross_attn_norm=True, qk_norm="rms_norm_across_heads",
                                 rope_max_seq_len=1024)


def save_tiny_wan(directory: Path) -> Path:
    """A WanPipeline (text to video) checkpoint in `directory`."""
    import torch
    from diffusers import FlowMatchEulerDiscreteScheduler, WanPipeline

    torch.manual_seed(0)
    pipe = WanPipeline(tokenizer=_tokenizer(), text_encoder=_umt5(), vae=_wan_vae(),
                       transformer=_wan_transformer(16), scheduler=FlowMatchEulerDiscreteScheduler(shift=7.0))
    pipe.save_pretrained(directory)
    return directory


def save_tiny_wan_ti2v(directory: Path) -> Path:
    """A WanPipeline checkpoint shaped like Wan 2.2 TI2V-5B (expand_timesteps): one model for text and image to
    video, the image entering as the first latent frame."""
    import torch
    from diffusers import FlowMatchEulerDiscreteScheduler, WanPipeline

    torch.manual_seed(0)
    pipe = WanPipeline(tokenizer=_tokenizer(), text_encoder=_umt5(), vae=_wan_vae(), transformer=_wan_transformer(16),
                       scheduler=FlowMatchEulerDiscreteScheduler(shift=7.0), expand_timesteps=True)
    pipe.save_pretrained(directory)
    return directory


def save_tiny_wan_i2v(directory: Path) -> Path:
    """A WanImageToVideoPipeline checkpoint shaped like Wan 2.2 I2V: no CLIP image encoder; the first frame's
    latents and a mask are concatenated to the noise (16 + 16 + 4 input channels)."""
    import torch
    from diffusers import FlowMatchEulerDiscreteScheduler, WanImageToVideoPipeline

    torch.manual_seed(0)
    pipe = WanImageToVideoPipeline(tokenizer=_tokenizer(), text_encoder=_umt5(), vae=_wan_vae(),
                                   transformer=_wan_transformer(36), scheduler=FlowMatchEulerDiscreteScheduler(shift=7.0))
    pipe.save_pretrained(directory)
    return directory


def save_tiny_ltx(directory: Path) -> Path:
    """An LTXPipeline checkpoint; the same components also run LTX image to video."""
    import torch
    from diffusers import AutoencoderKLLTXVideo, FlowMatchEulerDiscreteScheduler, LTXPipeline, LTXVideoTransformer3DModel
    from transformers import T5Config, T5EncoderModel

    torch.manual_seed(0)
    transformer = LTXVideoTransformer3DModel(in_channels=8, out_channels=8, patch_size=1, patch_size_t=1,
                                             num_attention_heads=4, attention_head_dim=8, cross_attention_dim=32,
                                             num_layers=1, caption_channels=32)
    vae = AutoencoderKLLTXVideo(in_channels=3, out_channels=3, latent_channels=8, block_out_channels=(8, 8, 8, 8),
                                decoder_block_out_channels=(8, 8, 8, 8), layers_per_block=(1, 1, 1, 1, 1),
                                decoder_layers_per_block=(1, 1, 1, 1, 1),
                                spatio_temporal_scaling=(True, True, False, False),
                                decoder_spatio_temporal_scaling=(True, True, False, False),
                                decoder_inject_noise=(False, False, False, False, False), upsample_residual=(False, False, False, False),
                                upsample_factor=(1, 1, 1, 1), timestep_conditioning=False, patch_size=1, patch_size_t=1,
                                encoder_causal=True, decoder_causal=False)
    vae.use_framewise_encoding = False
    vae.use_framewise_decoding = False
    text_encoder = T5EncoderModel(T5Config(vocab_size=64, d_model=32, d_kv=8, d_ff=37, num_layers=2, num_heads=4,
                                           relative_attention_num_buckets=8))
    pipe = LTXPipeline(transformer=transformer, vae=vae, scheduler=FlowMatchEulerDiscreteScheduler(),
                       text_encoder=text_encoder, tokenizer=_tokenizer())
    pipe.save_pretrained(directory)
    return directory
