"""Short UI labels in English and Korean. Long texts (help, captions) live with their owners.

`tr(key, lang)` falls back to English, then to the key itself, so a missing Korean label
never breaks the screen.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

LANGUAGES = ("en", "ko")

LABELS: dict[str, tuple[str, str]] = {
    # panels
    "setup": ("Setup", "설정"),
    "runs": ("Runs", "실행"),
    "apply_all": ("apply to all", "모두에 적용"),
    "apply_selected": ("apply to selected", "선택에만 적용"),
    # runs table columns
    "col_run": ("run", "실행"),
    "col_differs": ("differs", "차이"),
    "col_step": ("step", "스텝"),
    "col_epoch": ("epoch", "에폭"),
    "col_train_loss": ("train", "학습 손실"),
    "col_test_loss": ("test", "시험 손실"),
    "col_test_acc": ("acc", "정확도"),
    "col_speed": ("steps/s", "스텝/초"),
    "col_status": ("status", "상태"),
    # statuses
    "ready": ("ready", "준비"),
    "training": ("training", "학습 중"),
    "paused": ("paused", "일시 정지"),
    "done": ("done", "완료"),
    "diverged": ("diverged at step {step}", "{step} 스텝에서 발산"),
    "base": ("base", "기준"),
    "all_runs_done": ("all runs done — r resets", "모든 실행 완료 — r로 초기화"),
    # form fields
    "activation": ("activation", "활성화 함수"),
    "init": ("init", "초기값"),
    "optimizer": ("optimizer", "옵티마이저"),
    "lr": ("learning rate", "학습률"),
    "momentum": ("momentum", "모멘텀"),
    "batch_size": ("batch size", "배치 크기"),
    "layers": ("hidden layers", "은닉층"),
    "l1": ("L1", "L1"),
    "l2": ("L2", "L2"),
    "dropout": ("dropout", "드롭아웃"),
    "batch_norm": ("batch norm", "배치 정규화"),
    "budget": ("budget", "학습 길이"),
    "unit_steps": ("steps", "스텝"),
    "unit_epochs": ("epochs", "에폭"),
    "seed": ("seed", "시드"),
    "live": ("live", "즉시"),
    "on_reset": ("on reset", "초기화 시"),
    # notices
    "applies_on_reset": ("{field} applies on reset (r)", "{field}: 초기화(r) 후 적용"),
    "all_done": (
        "All runs are done. Press r to reset.",
        "모든 실행이 끝났습니다. r로 초기화하세요.",
    ),
    "reset_failed": ("Reset failed: ", "초기화 실패: "),
    "add_failed": ("Cannot add a run: ", "실행을 추가할 수 없음: "),
    "remove_failed": ("Cannot remove the run: ", "실행을 제거할 수 없음: "),
    "change_failed": ("Not applied: ", "적용 안 됨: "),
    "start_failed": ("Training cannot start: ", "학습을 시작할 수 없음: "),
    "caption_config": (
        "One run from {path}: press space to train it.",
        "{path}의 실행 하나: 스페이스 키로 학습을 시작합니다.",
    ),
    "claims_failed": ("A claim could not be checked: ", "주장을 확인할 수 없음: "),
    "trainer_ended": (
        "The training process ended unexpectedly; restart trainlab.",
        "학습 프로세스가 예기치 않게 끝났습니다. trainlab을 다시 시작하세요.",
    ),
    "too_small": (
        "Enlarge the terminal to at least 80×24 (now {width}×{height}).",
        "터미널을 80×24 이상으로 키워 주세요 (현재 {width}×{height}).",
    ),
    # bindings (footer, help, command palette)
    "b_play": ("start/pause", "시작/정지"),
    "b_step": ("step", "한 스텝"),
    "b_reset": ("reset", "초기화"),
    "b_add": ("add run", "실행 추가"),
    "b_remove": ("remove run", "실행 제거"),
    "b_lr_up": ("lr ×2", "학습률 ×2"),
    "b_lr_down": ("lr ÷2", "학습률 ÷2"),
    "b_optimizer": ("optimizer", "옵티마이저"),
    "b_surface": ("next surface (paths)", "다음 곡면 (경로)"),
    "b_dropout": ("dropout", "드롭아웃"),
    "b_l1": ("L1", "L1"),
    "b_l2": ("L2", "L2"),
    "b_batch_norm": ("batch norm", "배치 정규화"),
    "b_apply_all": ("apply to all", "모두 적용"),
    "b_log": ("log scale", "로그 축"),
    "b_setup": ("setup form", "설정 창"),
    "b_chart": ("chart: {name}", "차트: {name}"),
    "b_help": ("help", "도움말"),
    "b_lang": ("한국어", "English"),
    "b_quit": ("quit", "종료"),
    "b_presets": ("presets", "프리셋"),
    "b_claims": ("claims", "주장 확인"),
    # presets and claims
    "picker_title": (
        "Open a preset: the lecture, scenario by scenario",
        "프리셋 열기: 강의를 시나리오별로",
    ),
    "picker_hint": (
        "↑↓ choose · Enter open (the current runs stop) · Tab a file of your own · Esc cancel",
        "↑↓ 선택 · Enter 열기 (지금 실행은 멈춤) · Tab 내 파일 · Esc 취소",
    ),
    "picker_file": (
        "or a preset or config file of your own: its path, then Enter",
        "또는 내 프리셋·설정 파일: 경로를 쓰고 Enter",
    ),
    "current": ("current", "현재"),
    "claims": ("Claims", "주장 확인"),
    "claims_summary": ("{passed} of {total} pass", "{total}개 중 {passed}개 통과"),
    "claims_modified": (
        "modified — the lecture's setup was changed: these verdicts are about your setup",
        "수정됨 — 강의의 설정이 바뀌었습니다: 이 결과는 바뀐 설정에 대한 것입니다",
    ),
    "claims_hint": ("c closes · r runs again", "c 닫기 · r 다시 실행"),
    "no_claims": (
        "The claims are checked when every run is done (this scenario has {count}).",
        "주장은 모든 실행이 끝나면 확인합니다 (이 시나리오에는 {count}개).",
    ),
    # chart names
    "loss": ("loss", "손실"),
    "accuracy": ("accuracy", "정확도"),
    "activations": ("activations", "활성화"),
    "gradients": ("gradients", "기울기"),
    "weights": ("weights", "가중치"),
    "paths": ("paths", "경로"),
    "boundary": ("boundary", "결정 경계"),
    "network": ("network", "신경망"),
    # the network tab
    "net_inputs": ("inputs", "입력"),
    "net_layer": ("layer {n}", "{n}층"),
    "net_output": ("output", "출력"),
    "net_more": ("+{n} more", "+{n}개 더"),
    "net_unit": ("{layer}, unit {index} of {count}", "{layer}, 유닛 {index}/{count}"),
    "net_in": ("weights in", "들어오는 가중치"),
    "net_out": ("weights out", "나가는 가중치"),
    "net_bias": ("bias", "편향"),
    "net_plane": ("over the plane", "입력 평면 위 값"),
    "net_weights_hist": ("its weights", "가중치 분포"),
    "net_dead": ("dead: 0 all over the plane", "죽은 유닛: 평면 어디서나 0"),
    "net_saturated": ("saturated: flat at a bound", "포화: 한계값에서 평평함"),
    "net_regions": ("decision regions", "결정 영역"),
    "net_surface": ("fitted surface", "적합 곡면"),
    "net_curve": ("fitted curve", "적합 곡선"),
    "net_filters": ("first layer's weights, a picture a unit", "첫 층의 가중치, 유닛마다 그림"),
    "net_keys": ("arrows or a click select a unit", "화살표나 클릭으로 유닛 선택"),
    "net_waiting": (
        "Waiting for the selected run's network…",
        "선택한 실행의 신경망을 기다리는 중…",
    ),
    "net_other": (
        "The network is drawn for 1-D and 2-D data and for images; this data set has {n} features.",
        "신경망 그림은 1차원·2차원 데이터와 이미지에만 그립니다. 이 데이터는 특성이 {n}개입니다.",
    ),
}


def tr(key: str, lang: str = "en", **values: object) -> str:
    """The label for `key` in `lang`, with `{name}` fields filled from `values`."""
    pair = LABELS.get(key)
    text = key if pair is None else (pair[1] if lang == "ko" and pair[1] else pair[0])
    return text.format(**values) if values else text


def localized(texts: dict[str, str], lang: str) -> str:
    """A scenario's text (presets' `Texts`) in `lang`, else in English."""
    return texts.get(lang) or texts.get("en", "")


def binding_label(key: str, lang: str) -> str:
    """A key binding's description; "chart:NAME" names a chart tab."""
    if key.startswith("chart:"):
        name = key.removeprefix("chart:")
        return tr("b_chart", lang, name=tr(name, lang))
    return tr(key, lang)


def relabel_bindings(node: Any, lang: str, label_keys: dict[str, str]) -> None:
    """Put a node's key-binding descriptions in `lang`, for the footer.

    Textual keeps descriptions on the (frozen) bindings of each node's map and has no
    public way to change them, so the bindings are swapped for relabelled copies.
    `label_keys` maps each action to its i18n key.
    """
    bindings_map = node._bindings
    for key, bindings in bindings_map.key_to_bindings.items():
        bindings_map.key_to_bindings[key] = [
            replace(binding, description=binding_label(label_keys[binding.action], lang))
            if binding.action in label_keys
            else binding
            for binding in bindings
        ]
    node.refresh_bindings()
