// <cardwire-card> in Vue 3: a custom element (tell the compiler so when you
// use templates: compilerOptions.isCustomElement = (tag) => tag.startsWith('cardwire-')).
import { defineComponent, h, onMounted, ref } from 'vue';
import 'cardwire/card';

export const CardDetails = defineComponent({
  props: { cardId: { type: String, required: true }, fetchSealed: { type: Function, required: true } },
  emits: ['revealed', 'error'],
  setup(props, { emit }) {
    const card = ref(null);
    onMounted(() => {
      card.value.fetchSealed = props.fetchSealed;
      card.value.addEventListener('revealed', () => emit('revealed'));
      card.value.addEventListener('error', (e) => emit('error', e.detail.code));
    });
    return () => h('cardwire-card', { ref: card, 'card-id': props.cardId, 'ttl-ms': '60000' });
  },
});
