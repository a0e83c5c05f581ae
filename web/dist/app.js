var _e,S,Xe,Zt,I,Je,Ze,Qe,Ce,ce,ae,et,Le,De,Ae,tt,$e={},fe=[],Qt=/acit|ex(?:s|g|n|p|$)|rph|grid|ows|mnc|ntw|ine[ch]|zoo|^ord|itera/i,he=Array.isArray;function B(e,t){for(var n in t)e[n]=t[n];return e}function Re(e){e&&e.parentNode&&e.parentNode.removeChild(e)}function Ve(e,t,n){var o,s,a,r={};for(a in t)a=="key"?o=t[a]:a=="ref"?s=t[a]:r[a]=t[a];if(arguments.length>2&&(r.children=arguments.length>3?_e.call(arguments,2):n),typeof e=="function"&&e.defaultProps!=null)for(a in e.defaultProps)r[a]===void 0&&(r[a]=e.defaultProps[a]);return ue(e,r,o,s,null)}function ue(e,t,n,o,s){var a={type:e,props:t,key:n,ref:o,__k:null,__:null,__b:0,__e:null,__c:null,constructor:void 0,__v:s??++Xe,__i:-1,__u:0};return s==null&&S.vnode!=null&&S.vnode(a),a}function ve(e){return e.children}function pe(e,t){this.props=e,this.context=t}function q(e,t){if(t==null)return e.__?q(e.__,e.__i+1):null;for(var n;t<e.__k.length;t++)if((n=e.__k[t])!=null&&n.__e!=null)return n.__e;return typeof e.type=="function"?q(e):null}function en(e){if(e.__P&&e.__d){var t=e.__v,n=t.__e,o=[],s=[],a=B({},t);a.__v=t.__v+1,S.vnode&&S.vnode(a),Ne(e.__P,a,t,e.__n,e.__P.namespaceURI,32&t.__u?[n]:null,o,n??q(t),!!(32&t.__u),s),a.__v=t.__v,a.__.__k[a.__i]=a,st(o,a,s),t.__e=t.__=null,a.__e!=n&&nt(a)}}function nt(e){if((e=e.__)!=null&&e.__c!=null)return e.__e=e.__c.base=null,e.__k.some(function(t){if(t!=null&&t.__e!=null)return e.__e=e.__c.base=t.__e}),nt(e)}function je(e){(!e.__d&&(e.__d=!0)&&I.push(e)&&!me.__r++||Je!=S.debounceRendering)&&((Je=S.debounceRendering)||Ze)(me)}function me(){try{for(var e,t=1;I.length;)I.length>t&&I.sort(Qe),e=I.shift(),t=I.length,en(e)}finally{I.length=me.__r=0}}function ot(e,t,n,o,s,a,r,l,u,c,p){var h,d,$,m,y,k,E=o&&o.__k||fe,g=t.length;for(u=tn(n,t,E,u,g),h=0;h<g;h++)($=n.__k[h])!=null&&(d=$.__i!=-1&&E[$.__i]||$e,$.__i=h,k=Ne(e,$,d,s,a,r,l,u,c,p),m=$.__e,$.ref&&d.ref!=$.ref&&(d.ref&&Fe(d.ref,null,$),p.push($.ref,$.__c||m,$)),y==null&&m!=null&&(y=m),4&$.__u?(u=at($,u,e),d.__e&&(d.__e=null)):typeof $.type=="function"&&k!==void 0?u=k:m&&(u=m.nextSibling),$.__u&=-7);return n.__e=y,u}function tn(e,t,n,o,s){var a,r,l,u,c,p=n.length,h=p,d=0;for(e.__k=new Array(s),a=0;a<s;a++)(r=t[a])!=null&&typeof r!="boolean"&&typeof r!="function"?(typeof r=="string"||typeof r=="number"||typeof r=="bigint"||r.constructor==String?r=e.__k[a]=ue(null,r,null,null,null):he(r)?r=e.__k[a]=ue(ve,{children:r},null,null,null):r.constructor===void 0&&r.__b>0?r=e.__k[a]=ue(r.type,r.props,r.key,r.ref?r.ref:null,r.__v):e.__k[a]=r,u=a+d,r.__=e,r.__b=e.__b+1,l=null,(c=r.__i=nn(r,n,u,h))!=-1&&(h--,(l=n[c])&&(l.__u|=2)),l==null||l.__v==null?(c==-1&&(s>p?d--:s<p&&d++),typeof r.type!="function"&&(r.__u|=4)):c!=u&&(c==u-1?d--:c==u+1?d++:(c>u?d--:d++,r.__u|=4))):e.__k[a]=null;if(h)for(a=0;a<p;a++)(l=n[a])!=null&&(2&l.__u)==0&&(l.__e==o&&(o=q(l)),lt(l,l));return o}function at(e,t,n){var o,s;if(typeof e.type=="function"){for(o=e.__k,s=0;o&&s<o.length;s++)o[s]&&(o[s].__=e,t=at(o[s],t,n));return t}e.__e!=t&&(t&&e.type&&!t.parentNode&&(t=q(e)),t=n.insertBefore(e.__e,t||null));do t=t&&t.nextSibling;while(t!=null&&t.nodeType==8);return t}function nn(e,t,n,o){var s,a,r,l=e.key,u=e.type,c=t[n],p=c!=null&&(2&c.__u)==0;if(c===null&&l==null||p&&l==c.key&&u==c.type)return n;if(o>(p?1:0)){for(s=n-1,a=n+1;s>=0||a<t.length;)if((c=t[r=s>=0?s--:a++])!=null&&(2&c.__u)==0&&l==c.key&&u==c.type)return r}return-1}function Ke(e,t,n){t[0]=="-"?e.setProperty(t,n??""):e[t]=n==null?"":typeof n!="number"||Qt.test(t)?n:n+"px"}function de(e,t,n,o,s){var a,r;e:if(t=="style")if(typeof n=="string")e.style.cssText=n;else{if(typeof o=="string"&&(e.style.cssText=o=""),o)for(t in o)n&&t in n||Ke(e.style,t,"");if(n)for(t in n)o&&n[t]==o[t]||Ke(e.style,t,n[t])}else if(t[0]=="o"&&t[1]=="n")a=t!=(t=t.replace(et,"$1")),r=t.toLowerCase(),t=r in e||t=="onFocusOut"||t=="onFocusIn"?r.slice(2):t.slice(2),e.l||(e.l={}),e.l[t+a]=n,n?o?n[ae]=o[ae]:(n[ae]=Le,e.addEventListener(t,a?Ae:De,a)):e.removeEventListener(t,a?Ae:De,a);else{if(s=="http://www.w3.org/2000/svg")t=t.replace(/xlink(H|:h)/,"h").replace(/sName$/,"s");else if(t!="width"&&t!="height"&&t!="href"&&t!="list"&&t!="form"&&t!="tabIndex"&&t!="download"&&t!="rowSpan"&&t!="colSpan"&&t!="role"&&t!="popover"&&t in e)try{e[t]=n??"";break e}catch{}typeof n=="function"||(n==null||n===!1&&t[4]!="-"?e.removeAttribute(t):e.setAttribute(t,t=="popover"&&n==1?"":n))}}function Ye(e){return function(t){if(this.l){var n=this.l[t.type+e];if(t[ce]==null)t[ce]=Le++;else if(t[ce]<n[ae])return;return n(S.event?S.event(t):t)}}}function Ne(e,t,n,o,s,a,r,l,u,c){var p,h,d,$,m,y,k,E,g,V,z,M,D,O,L,H,A=t.type;if(t.constructor!==void 0)return null;128&n.__u&&(u=!!(32&n.__u),a=[l=t.__e=n.__e]),(p=S.__b)&&p(t);e:if(typeof A=="function"){h=r.length;try{if(g=t.props,V=A.prototype&&A.prototype.render,z=(p=A.contextType)&&o[p.__c],M=p?z?z.props.value:p.__:o,n.__c?E=(d=t.__c=n.__c).__=d.__E:(V?t.__c=d=new A(g,M):(t.__c=d=new pe(g,M),d.constructor=A,d.render=an),z&&z.sub(d),d.state||(d.state={}),d.__n=o,$=d.__d=!0,d.__h=[],d._sb=[]),V&&d.__s==null&&(d.__s=d.state),V&&A.getDerivedStateFromProps!=null&&(d.__s==d.state&&(d.__s=B({},d.__s)),B(d.__s,A.getDerivedStateFromProps(g,d.__s))),m=d.props,y=d.state,d.__v=t,$)V&&A.getDerivedStateFromProps==null&&d.componentWillMount!=null&&d.componentWillMount(),V&&d.componentDidMount!=null&&d.__h.push(d.componentDidMount);else{if(V&&A.getDerivedStateFromProps==null&&g!==m&&d.componentWillReceiveProps!=null&&d.componentWillReceiveProps(g,M),t.__v==n.__v||!d.__e&&d.shouldComponentUpdate!=null&&d.shouldComponentUpdate(g,d.__s,M)===!1){t.__v!=n.__v&&(d.props=g,d.state=d.__s,d.__d=!1),t.__e=n.__e,t.__k=n.__k,t.__k.some(function(K){K&&(K.__=t)}),fe.push.apply(d.__h,d._sb),d._sb=[],d.__h.length&&r.push(d),l=q(n);break e}d.componentWillUpdate!=null&&d.componentWillUpdate(g,d.__s,M),V&&d.componentDidUpdate!=null&&d.__h.push(function(){d.componentDidUpdate(m,y,k)})}if(d.context=M,d.props=g,d.__P=e,d.__e=!1,D=S.__r,O=0,V)d.state=d.__s,d.__d=!1,D&&D(t),p=d.render(d.props,d.state,d.context),fe.push.apply(d.__h,d._sb),d._sb=[];else do d.__d=!1,D&&D(t),p=d.render(d.props,d.state,d.context),d.state=d.__s;while(d.__d&&++O<25);d.state=d.__s,d.getChildContext!=null&&(o=B(B({},o),d.getChildContext())),V&&!$&&d.getSnapshotBeforeUpdate!=null&&(k=d.getSnapshotBeforeUpdate(m,y)),L=p!=null&&p.type===ve&&p.key==null?it(p.props.children):p,l=ot(e,he(L)?L:[L],t,n,o,s,a,r,l,u,c),d.base=t.__e,t.__u&=-161,d.__h.length&&r.push(d),E&&(d.__E=d.__=null)}catch(K){if(r.length=h,t.__v=null,u||a!=null){if(K.then){for(t.__u|=u?160:128;l&&l.nodeType==8&&l.nextSibling;)l=l.nextSibling;a!=null&&(a[a.indexOf(l)]=null),t.__e=l}else if(a!=null)for(H=a.length;H--;)Re(a[H])}else t.__e=n.__e;t.__k==null&&(t.__k=n.__k||[]),K.then||rt(t),S.__e(K,t,n)}}else a==null&&t.__v==n.__v?(t.__k=n.__k,t.__e=n.__e):l=t.__e=on(n.__e,t,n,o,s,a,r,u,c);return(p=S.diffed)&&p(t),128&t.__u?void 0:l}function rt(e){e&&(e.__c&&(e.__c.__e=!0),e.__k&&e.__k.some(rt))}function st(e,t,n){for(var o=0;o<n.length;o++)Fe(n[o],n[++o],n[++o]);S.__c&&S.__c(t,e),e.some(function(s){try{e=s.__h,s.__h=[],e.some(function(a){a.call(s)})}catch(a){S.__e(a,s.__v)}})}function it(e){return typeof e!="object"||e==null||e.__b>0?e:he(e)?e.map(it):e.constructor!==void 0?null:B({},e)}function on(e,t,n,o,s,a,r,l,u){var c,p,h,d,$,m,y,k=n.props||$e,E=t.props,g=t.type;if(g=="svg"?s="http://www.w3.org/2000/svg":g=="math"?s="http://www.w3.org/1998/Math/MathML":s||(s="http://www.w3.org/1999/xhtml"),a!=null){for(c=0;c<a.length;c++)if(($=a[c])&&"setAttribute"in $==!!g&&(g?$.localName==g:$.nodeType==3)){e=$,a[c]=null;break}}if(e==null){if(g==null)return document.createTextNode(E);e=document.createElementNS(s,g,E.is&&E),l&&(S.__m&&S.__m(t,a),l=!1),a=null}if(g==null)k===E||l&&e.data==E||(e.data=E);else{if(a=g=="textarea"&&E.defaultValue!=null?null:a&&_e.call(e.childNodes),!l&&a!=null)for(k={},c=0;c<e.attributes.length;c++)k[($=e.attributes[c]).name]=$.value;for(c in k)$=k[c],c=="dangerouslySetInnerHTML"?h=$:c=="children"||c in E||c=="value"&&"defaultValue"in E||c=="checked"&&"defaultChecked"in E||de(e,c,null,$,s);for(c in E)$=E[c],c=="children"?d=$:c=="dangerouslySetInnerHTML"?p=$:c=="value"?m=$:c=="checked"?y=$:l&&typeof $!="function"||k[c]===$||de(e,c,$,k[c],s);if(p)l||h&&(p.__html==h.__html||p.__html==e.innerHTML)||(e.innerHTML=p.__html),t.__k=[];else if(h&&(e.innerHTML=""),ot(t.type=="template"?e.content:e,he(d)?d:[d],t,n,o,g=="foreignObject"?"http://www.w3.org/1999/xhtml":s,a,r,a?a[0]:n.__k&&q(n,0),l,u),a!=null)for(c=a.length;c--;)Re(a[c]);l&&g!="textarea"||(c="value",g=="progress"&&m==null?e.removeAttribute("value"):m!=null&&(m!==e[c]||g=="progress"&&!m||g=="option"&&m!=k[c])&&de(e,c,m,k[c],s),c="checked",y!=null&&y!=e[c]&&de(e,c,y,k[c],s))}return e}function Fe(e,t,n){try{if(typeof e=="function"){var o=typeof e.__u=="function";o&&e.__u(),o&&t==null||(e.__u=e(t))}else e.current=t}catch(s){S.__e(s,n)}}function lt(e,t,n){var o,s;if(S.unmount&&S.unmount(e),(o=e.ref)&&(o.current&&o.current!=e.__e||Fe(o,null,t)),(o=e.__c)!=null){if(o.componentWillUnmount)try{o.componentWillUnmount()}catch(a){S.__e(a,t)}o.base=o.__P=o.__n=null}if(o=e.__k)for(s=0;s<o.length;s++)o[s]&&lt(o[s],t,n||typeof e.type!="function");n||Re(e.__e),e.__c=e.__=e.__e=void 0}function an(e,t,n){return this.constructor(e,n)}function dt(e,t,n){var o,s,a,r;t==document&&(t=document.documentElement),S.__&&S.__(e,t),s=(o=typeof n=="function")?null:n&&n.__k||t.__k,a=[],r=[],Ne(t,e=(!o&&n||t).__k=Ve(ve,null,[e]),s||$e,$e,t.namespaceURI,!o&&n?[n]:s?null:t.firstChild?_e.call(t.childNodes):null,a,!o&&n?n:s?s.__e:t.firstChild,o,r),st(a,e,r),e.props.children=null}function ct(e){function t(n){var o,s;return this.getChildContext||(o=new Set,(s={})[t.__c]=this,this.getChildContext=function(){return s},this.componentWillUnmount=function(){o=null},this.shouldComponentUpdate=function(a){this.props.value!=a.value&&o.forEach(function(r){r.__e=!0,je(r)})},this.sub=function(a){o.add(a);var r=a.componentWillUnmount;a.componentWillUnmount=function(){o&&o.delete(a),r&&r.call(a)}}),n.children}return t.__c="__cC"+tt++,t.__=e,t.Provider=t.__l=(t.Consumer=function(n,o){return n.children(o)}).contextType=t,t}_e=fe.slice,S={__e:function(e,t,n,o){for(var s,a,r;t=t.__;)if((s=t.__c)&&!s.__)try{if((a=s.constructor)&&a.getDerivedStateFromError!=null&&(s.setState(a.getDerivedStateFromError(e)),r=s.__d),s.componentDidCatch!=null&&(s.componentDidCatch(e,o||{}),r=s.__d),r)return s.__E=s}catch(l){e=l}throw e}},Xe=0,Zt=function(e){return e!=null&&e.constructor===void 0},pe.prototype.setState=function(e,t){var n;n=this.__s!=null&&this.__s!=this.state?this.__s:this.__s=B({},this.state),typeof e=="function"&&(e=e(B({},n),this.props)),e&&B(n,e),e!=null&&this.__v&&(t&&this._sb.push(t),je(this))},pe.prototype.forceUpdate=function(e){this.__v&&(this.__e=!0,e&&this.__h.push(e),je(this))},pe.prototype.render=ve,I=[],Ze=typeof Promise=="function"?Promise.prototype.then.bind(Promise.resolve()):setTimeout,Qe=function(e,t){return e.__v.__b-t.__v.__b},me.__r=0,Ce=Math.random().toString(8),ce="__d"+Ce,ae="__a"+Ce,et=/(PointerCapture)$|Capture$/i,Le=0,De=Ye(!1),Ae=Ye(!0),tt=0;var pt=function(e,t,n,o){var s;t[0]=0;for(var a=1;a<t.length;a++){var r=t[a++],l=t[a]?(t[0]|=r?1:2,n[t[a++]]):t[++a];r===3?o[0]=l:r===4?o[1]=Object.assign(o[1]||{},l):r===5?(o[1]=o[1]||{})[t[++a]]=l:r===6?o[1][t[++a]]+=l+"":r?(s=e.apply(l,pt(e,l,n,["",null])),o.push(s),l[0]?t[0]|=2:(t[a-2]=0,t[a]=s)):o.push(l)}return o},ut=new Map;function $t(e){var t=ut.get(this);return t||(t=new Map,ut.set(this,t)),(t=pt(this,t.get(e)||(t.set(e,t=function(n){for(var o,s,a=1,r="",l="",u=[0],c=function(d){a===1&&(d||(r=r.replace(/^\s*\n\s*|\s*\n\s*$/g,"")))?u.push(0,d,r):a===3&&(d||r)?(u.push(3,d,r),a=2):a===2&&r==="..."&&d?u.push(4,d,0):a===2&&r&&!d?u.push(5,0,!0,r):a>=5&&((r||!d&&a===5)&&(u.push(a,0,r,s),a=6),d&&(u.push(a,d,0,s),a=6)),r=""},p=0;p<n.length;p++){p&&(a===1&&c(),c(p));for(var h=0;h<n[p].length;h++)o=n[p][h],a===1?o==="<"?(c(),u=[u],a=3):r+=o:a===4?r==="--"&&o===">"?(a=1,r=""):r=o+r[0]:l?o===l?l="":r+=o:o==='"'||o==="'"?l=o:o===">"?(c(),a=1):a&&(o==="="?(a=5,s=r,r=""):o==="/"&&(a<5||n[p][h+1]===">")?(c(),a===3&&(u=u[0]),a=u,(u=u[0]).push(2,0,a),a=0):o===" "||o==="	"||o===`
`||o==="\r"?(c(),a=2):r+=o),a===3&&r==="!--"&&(a=4,u=u[0])}return c(),u}(e)),t),arguments,[])).length>1?t:t[0]}var i=$t.bind(Ve);var Y,T,Oe,ft,re=0,xt=[],P=S,mt=P.__b,_t=P.__r,ht=P.diffed,vt=P.__c,gt=P.unmount,bt=P.__;function be(e,t){P.__h&&P.__h(T,e,re||t),re=0;var n=T.__H||(T.__H={__:[],__h:[]});return e>=n.__.length&&n.__.push({}),n.__[e]}function v(e){return re=1,rn(Tt,e)}function rn(e,t,n){var o=be(Y++,2);if(o.t=e,!o.__c&&(o.__=[n?n(t):Tt(void 0,t),function(l){var u=o.__N?o.__N[0]:o.__[0],c=o.t(u,l);u!==c&&(o.__N=[c,o.__[1]],o.__c.setState({}))}],o.__c=T,!T.__f)){var s=function(l,u,c){if(!o.__c.__H)return!0;var p=!1,h=o.__c.props!==l;if(o.__c.__H.__.some(function($){if($.__N){p=!0;var m=$.__[0];$.__=$.__N,$.__N=void 0,m!==$.__[0]&&(h=!0)}}),a){var d=a.call(this,l,u,c);return p?d||h:d}return!p||h};T.__f=!0;var a=T.shouldComponentUpdate,r=T.componentWillUpdate;T.componentWillUpdate=function(l,u,c){if(this.__e){var p=a;a=void 0,s(l,u,c),a=p}r&&r.call(this,l,u,c)},T.shouldComponentUpdate=s}return o.__N||o.__}function U(e,t){var n=be(Y++,3);!P.__s&&Et(n.__H,t)&&(n.__=e,n.u=t,T.__H.__h.push(n))}function ye(e){return re=5,kt(function(){return{current:e}},[])}function kt(e,t){var n=be(Y++,7);return Et(n.__H,t)&&(n.__=e(),n.__H=t,n.__h=e),n.__}function wt(e,t){return re=8,kt(function(){return e},t)}function St(e){var t=T.context[e.__c],n=be(Y++,9);return n.c=e,t?(n.__==null&&(n.__=!0,t.sub(T)),t.props.value):e.__}function sn(){for(var e;e=xt.shift();){var t=e.__H;if(e.__P&&t)try{t.__h.some(ge),t.__h.some(Me),t.__h=[]}catch(n){t.__h=[],P.__e(n,e.__v)}}}P.__b=function(e){T=null,mt&&mt(e)},P.__=function(e,t){e&&t.__k&&t.__k.__m&&(e.__m=t.__k.__m),bt&&bt(e,t)},P.__r=function(e){_t&&_t(e),Y=0;var t=(T=e.__c).__H;t&&(Oe===T?(t.__h=[],T.__h=[],t.__.some(function(n){n.__N&&(n.__=n.__N),n.u=n.__N=void 0})):(t.__h.some(ge),t.__h.some(Me),t.__h=[],Y=0)),Oe=T},P.diffed=function(e){ht&&ht(e);var t=e.__c;t&&t.__H&&(t.__H.__h.length&&(xt.push(t)!==1&&ft===P.requestAnimationFrame||((ft=P.requestAnimationFrame)||ln)(sn)),t.__H.__.some(function(n){n.u&&(n.__H=n.u,n.u=void 0)})),Oe=T=null},P.__c=function(e,t){t.some(function(n){try{n.__h.some(ge),n.__h=n.__h.filter(function(o){return!o.__||Me(o)})}catch(o){t.some(function(s){s.__h&&(s.__h=[])}),t=[],P.__e(o,n.__v)}}),vt&&vt(e,t)},P.unmount=function(e){gt&&gt(e);var t,n=e.__c;n&&n.__H&&(n.__H.__.some(function(o){try{ge(o)}catch(s){t=s}}),n.__H=void 0,t&&P.__e(t,n.__v))};var yt=typeof requestAnimationFrame=="function";function ln(e){var t,n=function(){clearTimeout(o),yt&&cancelAnimationFrame(t),setTimeout(e)},o=setTimeout(n,35);yt&&(t=requestAnimationFrame(n))}function ge(e){var t=T,n=e.__c;typeof n=="function"&&(e.__c=void 0,n()),T=t}function Me(e){var t=T;e.__c=e.__(),T=t}function Et(e,t){return!e||e.length!==t.length||t.some(function(n,o){return n!==e[o]})}function Tt(e,t){return typeof t=="function"?t(e):t}var J=class extends Error{constructor(t,n){let o=n&&n.error||{};super(o.message||`HTTP ${t}`),this.status=t,this.code=o.code||`HTTP_${t}`,this.detail=o.detail||{},this.field=typeof this.detail.field=="string"?this.detail.field:null}};function Pt(e,t,n){return new J(400,{error:{code:e,message:`${t}: ${n}`,detail:{field:t}}})}async function b(e,t,n,o={}){let s={"X-Requested-With":"switchyard-ui",Accept:"application/json"};n!==void 0&&(s["Content-Type"]="application/json"),o.ifMatch!==void 0&&o.ifMatch!==null&&(s["If-Match"]=`"${o.ifMatch}"`);let a;try{a=await fetch(t,{method:e,headers:s,credentials:"same-origin",body:n===void 0?void 0:JSON.stringify(n)})}catch(u){throw new J(0,{error:{code:"NETWORK",message:`the agent did not answer: ${u.message}`}})}let l=(a.headers.get("content-type")||"").includes("json")?await a.json().catch(()=>null):await a.text();if(a.status===401&&e==="GET"&&location.assign("/login?m=expired"),!a.ok)throw new J(a.status,l&&typeof l=="object"?l:{error:{code:`HTTP_${a.status}`,message:String(l||a.statusText)}});return l}var w=encodeURIComponent;var X=[];function N(e){if(!e.path?.startsWith("/")||!e.title||typeof e.component!="function")throw new Error(`definePage: need path ("/..."), title and component: ${JSON.stringify(e)}`);if(X.some(t=>t.path===e.path))throw new Error(`definePage: ${e.path} is defined twice`);return X.push({nav:!0,...e}),e}function Be(e){let t=null;for(let n of X){let o=n.path.split("/").filter(Boolean);o.length>e.length||!o.every((s,a)=>s===e[a])||o.length===0&&e.length>0||(!t||o.length>t.depth)&&(t={page:n,depth:o.length})}return t&&{page:t.page,rest:e.slice(t.depth)}}function C(e,t){let[n,o]=v({data:null,error:null,loading:!0}),s=ye(0),a=wt(async()=>{let r=++s.current;o(l=>({...l,loading:!0}));try{let l=await e();r===s.current&&o({data:l,error:null,loading:!1})}catch(l){r===s.current&&o(u=>({...u,error:l,loading:!1}))}},t);return U(()=>{a()},[a]),{...n,reload:a}}function _(e){let{onClick:t,busy:n,busyText:o,children:s,type:a="button",class:r,disabled:l,...u}=e,[c,p]=v(!1),h=ye(!0);U(()=>()=>h.current=!1,[]);let d=n||c;async function $(m){if(t){p(!0);try{await t(m)}finally{h.current&&p(!1)}}}return i`
    <button
      type=${a}
      class=${r}
      ...${u}
      disabled=${d||l}
      aria-busy=${d?"true":void 0}
      onClick=${t?$:void 0}
    >
      ${d&&i`<span class="spinner" aria-hidden="true"></span>`}
      ${d&&o?o:s}
    </button>
  `}function dn(e){let t=e.detail||{};return typeof t.nginx_output=="string"?t.nginx_output:(t.outcome?.refused||[]).map(o=>o.nginx_output).filter(Boolean).join(`
`)||null}function x({error:e,title:t}){if(!e)return null;let n=dn(e);return i`
    <div class="error" role="alert" data-error-code=${e.code}>
      ${t&&i`<strong>${t}: </strong>`}
      <span class="code">${e.code}</span>
      <span class="message">${e.message}</span>
      ${e.field&&i`<div class="hint">Field: <code>${e.field}</code></div>`}
      ${e.code==="PRECONDITION_FAILED"&&i`
        <div class="hint">Someone changed this record meanwhile: reload it to see their version
          (your input here is kept until you leave the page).</div>
      `}
      ${e.status===401&&i`
        <div class="hint">Your session ended. <a href="/login" target="_blank" rel="noopener">Log in
          again in a new tab</a>, then save again: your input here is kept.</div>
      `}
      ${n&&i`<pre>${n}</pre>`}
    </div>
  `}var cn={applied:"ok",unchanged:"ok",pending:"warn",dry_run:"warn",failed:"bad",refused:"bad",reverted:"bad"};function se({status:e}){return i`<span class=${`badge ${cn[e]||""}`}>${e}</span>`}function xe({outcome:e}){if(!e)return i`<p class="muted">No apply since the agent started.</p>`;let t=e.refused||[];return i`
    <dl class="facts">
      <dt>Status</dt><dd><${se} status=${e.status} /></dd>
      ${e.generation!=null&&i`
        <dt>Generation</dt>
        <dd>${e.generation}</dd>
      `}
      ${e.at&&i`
        <dt>At</dt>
        <dd>${new Date(e.at).toLocaleString()}</dd>
      `}
      ${e.duration_ms!=null&&i`
        <dt>Took</dt>
        <dd>${e.duration_ms} ms</dd>
      `}
      ${e.reloaded!=null&&i`
        <dt>Reloaded</dt>
        <dd>${e.reloaded?"yes":"no"}</dd>
      `}
      ${e.applied?.length>0&&i`
        <dt>Applied</dt>
        <dd>${e.applied.join(", ")}</dd>
      `}
    </dl>
    ${e.error&&i`
      <div class="error"><span class="code">${e.error.code}</span>${e.error.message}
        ${e.error.nginx_output&&i`<pre>${e.error.nginx_output}</pre>`}
      </div>
    `}
    ${t.map(n=>i`
        <div class="error" data-refused=${n.id}>
          <strong>Refused ${n.id}: </strong><span class="code">${n.code}</span>${n.message}
          ${n.nginx_output&&i`<pre>${n.nginx_output}</pre>`}
        </div>
      `)}
    ${(e.warnings||[]).map(n=>i`<div class="warning">${n}</div>`)}
  `}var un=new Set(["generation","config_hash","apply_mode","pending","pending_count","nginx","last_apply","warnings"]);async function pn(){let[e,t,n,o]=await Promise.all([b("GET","/api/health"),b("GET","/api/config/status"),b("GET","/api/pools"),b("GET","/api/sites")]);return{health:e,status:t,pools:n.pools.length,sites:o.sites.length}}function $n({nginx:e}){return i`
    <dl class="facts">
      <dt>Running</dt>
      <dd>${e.running?i`<span class="badge ok">running</span> pid ${e.pid}`:i`<span class="badge bad">${e.installed?"not running":"not installed (dry run)"}</span>`}</dd>
      <dt>Version</dt>
      <dd>${e.version||"unknown"}</dd>
      <dt>Last reload</dt>
      <dd>${e.last_reload_at?new Date(e.last_reload_at).toLocaleString():"none yet"}</dd>
      <dt>Reloads</dt>
      <dd>${e.reloads}</dd>
    </dl>
  `}function fn({status:e,onApplied:t}){let[n,o]=v(null),[s,a]=v(null),r=e.apply_mode==="manual"||e.pending_count>0;async function l(){o(null),a(null);try{a(await b("POST","/api/config/apply"))}catch(u){o(u)}t()}return i`
    <p>
      Apply mode <strong>${e.apply_mode}</strong>:
      ${e.pending_count===0?" nothing pending.":` ${e.pending_count} change${e.pending_count===1?"":"s"} not yet served.`}
    </p>
    ${e.pending.length>0&&i`
      <ul class="pending">
        ${e.pending.map(u=>i`<li><code>${u.id}</code> <span class="badge">${u.action}</span></li>`)}
      </ul>
    `}
    ${r&&i`
      <${_} class="primary" onClick=${l} busyText="Applying…">Apply now</${_}>
    `}
    <${x} error=${n} title="Apply failed" />
    ${s&&i`<div class="success" role="status">Apply finished: ${s.status}${s.generation!=null?`, generation ${s.generation}`:""}.</div>`}
  `}function mn(){let{data:e,error:t,loading:n,reload:o}=C(pn,[]),s=e?Object.entries(e.status).filter(([a])=>!un.has(a)):[];return i`
    <div class="page-head">
      <h1>Dashboard</h1>
      <${_} onClick=${o} busy=${n} busyText="Refreshing…">Refresh</${_}>
    </div>
    <${x} error=${t} />
    ${e&&i`
      ${e.status.warnings.map(a=>i`<div class="warning" role="status">${a}</div>`)}
      <div class="grid">
        <section class="panel" aria-labelledby="dash-agent">
          <h2 id="dash-agent">Agent</h2>
          <dl class="facts">
            <dt>Health</dt>
            <dd><span class=${`badge ${e.health.status==="ok"?"ok":"bad"}`}>${e.health.status}</span></dd>
            <dt>Version</dt>
            <dd>${e.health.version}${e.health.dev?" (dev mode)":""}</dd>
            <dt>Up</dt>
            <dd>${Math.round(e.health.uptime_s/60)} min</dd>
            <dt>Pools</dt>
            <dd><a href="#/pools">${e.pools}</a></dd>
            <dt>Sites</dt>
            <dd><a href="#/sites">${e.sites}</a></dd>
          </dl>
        </section>
        <section class="panel" aria-labelledby="dash-nginx">
          <h2 id="dash-nginx">nginx</h2>
          <${$n} nginx=${e.status.nginx} />
        </section>
        <section class="panel" aria-labelledby="dash-gen">
          <h2 id="dash-gen">Configuration</h2>
          <dl class="facts">
            <dt>Generation</dt>
            <dd>${e.status.generation??"none yet"}</dd>
            <dt>Hash</dt>
            <dd class="mono">${(e.status.config_hash||"\u2013").slice(0,16)}</dd>
          </dl>
          <${fn} status=${e.status} onApplied=${o} />
        </section>
      </div>
      <section class="panel" aria-labelledby="dash-last">
        <h2 id="dash-last">Last apply</h2>
        <${xe} outcome=${e.status.last_apply} />
      </section>
      ${s.map(([a,r])=>i`
          <section class="panel">
            <details>
              <summary><strong>${a}</strong></summary>
              <pre>${JSON.stringify(r,null,2)}</pre>
            </details>
          </section>
        `)}
    `}
  `}N({path:"/",title:"Dashboard",component:mn});var R=ct(null);function Ct(e,t){return!e||!t?!1:e===t||e.startsWith(t+".")||e.startsWith(t+"[")}function He(e){let t=St(R);return t&&Ct(t.field,e)?t:null}function ke(e){return"f-"+e.replace(/[^A-Za-z0-9_-]/g,"_")}function Ie(e){e?.field&&setTimeout(()=>{let t=[...document.querySelectorAll("input, select, textarea")].filter(n=>Ct(e.field,n.dataset.field)).sort((n,o)=>o.dataset.field.length-n.dataset.field.length)[0];t?.focus(),t?.scrollIntoView?.({block:"center"})},0)}function Dt(e,t){return t?{"aria-invalid":"true","aria-describedby":`${ke(e)}-err`}:{"aria-invalid":void 0}}function _n(e){let t=`${e.field}: `;return e.message.startsWith(t)?e.message.slice(t.length):e.message}function At({field:e,err:t,hint:n}){return i`
    ${t&&i`<p class="field-error" id=${`${ke(e)}-err`}>${_n(t)}</p>`}
    ${n&&!t&&i`<p class="hint">${n}</p>`}
  `}function f(e){let{field:t,label:n,hint:o,hideLabel:s,as:a="input",value:r,onValue:l,children:u,grow:c,...p}=e,h=He(t),d=ke(t),$={id:d,name:t,"data-field":t,...Dt(t,h),...p},m=k=>l(k.currentTarget.value),y;return a==="textarea"?y=i`<textarea ...${$} value=${r??""} onInput=${m}></textarea>`:a==="select"?y=i`<select ...${$} value=${r??""} onChange=${m}>${u}</select>`:y=i`<input ...${$} value=${r??""} onInput=${m} />`,i`
    <div class=${`field${c?" grow":""}`}>
      <label for=${d} class=${s?"sr-only":void 0}>${n}</label>
      ${y}
      <${At} field=${t} err=${h} hint=${o} />
    </div>
  `}function G(e){let{onValue:t,...n}=e;return i`
    <${f}
      ...${n}
      type="number"
      inputmode="numeric"
      onValue=${o=>t(o===""?void 0:Number(o))}
    />
  `}function j({field:e,label:t,checked:n,onValue:o,hint:s}){let a=He(e),r=ke(e);return i`
    <div class="field">
      <label class="check" for=${r}>
        <input
          type="checkbox"
          id=${r}
          name=${e}
          data-field=${e}
          checked=${!!n}
          onChange=${l=>o(l.currentTarget.checked)}
          ...${Dt(e,a)}
        />
        ${t}
      </label>
      <${At} field=${e} err=${a} hint=${s} />
    </div>
  `}function W(e){return!!He(e)}function we(e){let{version:t,created_at:n,updated_at:o,managed_by:s,apply:a,...r}=e;return r}var Ue=null;function Z(e){Ue=e}function Q(e,t){let[n,o]=v(()=>{let r=Ue;return Ue=null,{busy:!1,error:null,saved:r}});async function s(r,l,u){o({busy:!0,error:null,saved:null});try{let c=await b("PUT",`/api/${t}/${w(r)}`,l,{ifMatch:u??0});return o({busy:!1,error:null,saved:c}),c}catch(c){let p=c;return c.code==="PRECONDITION_FAILED"&&!u&&(p=new J(409,{error:{code:"CONFLICT",message:`name: a ${e} named "${r}" already exists; open it from the list to edit it`,detail:{field:"name"}}})),o({busy:!1,error:p,saved:null}),Ie(p),null}}return{...n,save:s,setError:r=>{o({busy:!1,error:r,saved:null}),Ie(r)}}}var hn={applied:"nginx serves it now",unchanged:"nothing to apply",pending:"waiting for Apply (manual mode)",dry_run:"written, nginx commands ran in dry-run",failed:"the apply failed"};function ee({rec:e}){if(!e)return null;let t=e.apply?.status??"unchanged";return i`
    <div class="success" role="status">
      Saved version ${e.version}. Apply: <${se} status=${t} /> ${hn[t]||""}${e.apply?.generation!=null?` (generation ${e.apply.generation})`:""}.
    </div>
  `}function Se({kind:e,name:t}){let[n,o]=v(null),[s,a]=v(null);async function r(){a(null);try{o(await b("GET",`/api/config/preview/${e}s/${w(t)}`))}catch(l){o(null),a(l)}}return i`
    <section class="panel" aria-label="nginx preview">
      <div class="row">
        <${_} onClick=${r} busyText="Rendering…">${n===null?"Preview":"Refresh preview"}</${_}>
        <span class="hint">The nginx file the saved ${e} renders to (pending changes included).</span>
      </div>
      <${x} error=${s} />
      ${n!==null&&i`<pre data-preview=${t}>${n}</pre>`}
    </section>
  `}function jt(e){let t=e.replace(/^#/,"")||"/",[n,o=""]=t.split("?"),s=Object.fromEntries(new URLSearchParams(o)),a=n.split("/").filter(Boolean).map(decodeURIComponent);return{path:"/"+a.map(encodeURIComponent).join("/"),segments:a,query:s}}function Lt(){let[e,t]=v(()=>jt(location.hash));return U(()=>{let n=()=>t(jt(location.hash));return addEventListener("hashchange",n),()=>removeEventListener("hashchange",n)},[]),e}function te(e,t){let n=t?new URLSearchParams(Object.entries(t).filter(([,o])=>o!==void 0&&o!=="")).toString():"";return`#${e}${n?`?${n}`:""}`}function F(e,t){location.hash=te(e,t)}var vn=["round_robin","least_conn","ip_hash","hash"],gn={name:"",description:"",lb_method:"round_robin",keepalive:32,members:[]},bn={address:"",weight:1,backup:!1,down:!1};function yn({m:e,i:t,set:n,remove:o}){let s=`members[${t}]`,a=W(s),r=l=>u=>n({...e,[l]:u});return i`
    <tr class=${a?"invalid":""} data-member=${t}>
      <td>
        <${f} field=${`${s}.address`} label=${`Member ${t+1} address`} hideLabel
          value=${e.address} onValue=${r("address")} placeholder="127.0.0.1:9000" />
      </td>
      <td>
        <${G} field=${`${s}.weight`} label=${`Member ${t+1} weight`} hideLabel
          value=${e.weight} onValue=${r("weight")} min="1" max="1000" />
      </td>
      <td>
        <${G} field=${`${s}.max_fails`} label=${`Member ${t+1} max fails`} hideLabel
          value=${e.max_fails} onValue=${r("max_fails")} min="0" placeholder="1" />
      </td>
      <td>
        <${f} field=${`${s}.fail_timeout`} label=${`Member ${t+1} fail timeout`} hideLabel
          value=${e.fail_timeout} onValue=${l=>r("fail_timeout")(l||void 0)} placeholder="10s" />
      </td>
      <td>
        <${j} field=${`${s}.backup`} label="backup" checked=${e.backup} onValue=${r("backup")} />
      </td>
      <td>
        <${j} field=${`${s}.down`} label="down" checked=${e.down} onValue=${r("down")} />
      </td>
      <td><button type="button" class="link" onClick=${o}
        aria-label=${`Remove member ${t+1}`}>Remove</button></td>
    </tr>
  `}function xn({members:e,onValue:t}){let n=o=>s=>t(e.map((a,r)=>r===o?s:a));return i`
    <fieldset>
      <legend>Members</legend>
      ${e.length===0&&i`<p class="muted">No members: requests get 502 until you add one.</p>`}
      ${e.length>0&&i`
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Address</th>
                <th>Weight</th>
                <th>Max fails</th>
                <th>Fail timeout</th>
                <th>Backup</th>
                <th>Down</th>
                <th><span class="sr-only">Remove</span></th>
              </tr>
            </thead>
            <tbody>${e.map((o,s)=>i`
                <${yn} key=${s} m=${o} i=${s} set=${n(s)}
                  remove=${()=>t(e.filter((a,r)=>r!==s))} />
              `)}
          </tbody>
          </table>
        </div>
      `}
      <button type="button" onClick=${()=>t([...e,{...bn}])}>Add member</button>
      <p class="hint">Address: <code>host:port</code>, <code>[v6]:port</code> or <code>unix:/path</code>.</p>
    </fieldset>
  `}function kn({initial:e,isNew:t}){let[n,o]=v(e),{busy:s,error:a,saved:r,save:l}=Q("pool","pools"),[u,c]=v(null),p=$=>m=>o(y=>({...y,[$]:m}));async function h($){$.preventDefault();let m=we(n);m.lb_method!=="hash"&&(delete m.hash_key,delete m.hash_consistent);let y=await l(n.name,m,t?0:n.version);y&&(o(y),t&&(Z(y),F(`/pools/edit/${w(y.name)}`)))}async function d(){if(confirm(`Delete pool "${n.name}"?`)){c(null);try{await b("DELETE",`/api/pools/${w(n.name)}`),F("/pools")}catch($){c($)}}}return i`
    <${R.Provider} value=${a}>
      <form onSubmit=${h} novalidate aria-label="Pool">
        <${x} error=${a} title="Not saved" />
        <${ee} rec=${r} />
        ${n.managed_by&&i`<div class="warning">
          Managed by ${n.managed_by.kind} "${n.managed_by.name}": change it there.
        </div>`}
        <div class="panel">
          <div class="row">
            <${f} field="name" label="Name" value=${n.name} onValue=${p("name")}
              disabled=${!t} placeholder="web" hint=${t?"Lower case letters, digits, '-'":void 0} />
            <${f} field="lb_method" label="Load balancing" as="select" value=${n.lb_method}
              onValue=${p("lb_method")}>${vn.map($=>i`<option value=${$}>${$}</option>`)}</${f}>
            <${G} field="keepalive" label="Keepalive connections" value=${n.keepalive}
              onValue=${p("keepalive")} min="0" />
          </div>
          ${n.lb_method==="hash"&&i`
            <div class="row">
              <${f} field="hash_key" label="Hash key" value=${n.hash_key}
                onValue=${$=>p("hash_key")($||void 0)} placeholder="$request_uri" grow />
              <${j} field="hash_consistent" label="consistent (ketama)"
                checked=${n.hash_consistent} onValue=${p("hash_consistent")} />
            </div>
          `}
          <${f} field="description" label="Description" value=${n.description}
            onValue=${p("description")} />
        </div>
        <${xn} members=${n.members} onValue=${p("members")} />
        <div class="actions">
          <${_} type="submit" class="primary" busy=${s} busyText="Saving and applying…">Save</${_}>
          ${a&&i`<span class="field-error">Not saved: ${a.code} (see above)</span>`}
          ${!t&&i`<${_} class="danger" onClick=${d} busyText="Deleting…">Delete pool</${_}>`}
          <a href="#/pools">Back to pools</a>
        </div>
        <${x} error=${u} title="Delete refused" />
      </form>
    </${R.Provider}>
    ${!t&&i`<${Se} kind="pool" name=${n.name} />`}
  `}function Ge({name:e}){let{data:t,error:n}=C(()=>e?b("GET",`/api/pools/${w(e)}`):Promise.resolve(gn),[e]);return i`
    <div class="page-head">
      <h1>${e?`Pool ${e}`:"New pool"}</h1>
    </div>
    <${x} error=${n} />
    ${t&&i`<${kn} initial=${t} isNew=${!e} />`}
  `}function wn(e){let t={};for(let n of e){let o=[n.default_pool,...n.routes.map(s=>s.pool)].filter(Boolean);for(let s of new Set(o))(t[s]||=[]).push(n.name)}return t}function Sn(){let{data:e,error:t,reload:n}=C(async()=>{let[r,l]=await Promise.all([b("GET","/api/pools"),b("GET","/api/sites")]);return{pools:r.pools,used:wn(l.sites)}},[]),[o,s]=v(null);async function a(r){if(confirm(`Delete pool "${r}"?`)){s(null);try{await b("DELETE",`/api/pools/${w(r)}`)}catch(l){s(l)}await n()}}return i`
    <div class="page-head">
      <h1>Pools</h1>
      <a class="button primary" href="#/pools/new">New pool</a>
    </div>
    <${x} error=${t} />
    <${x} error=${o} title="Delete refused" />
    ${e&&i`
      <div class="panel table-wrap">
        ${e.pools.length===0?i`<p class="muted">No pools yet. A pool is a set of backend servers (an nginx upstream).</p>`:i`
            <table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Members</th>
                  <th>Method</th>
                  <th class="num">Keepalive</th>
                  <th>Used by</th>
                  <th><span class="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody>
                ${e.pools.map(r=>i`
                    <tr data-pool=${r.name}>
                      <td><a href=${`#/pools/edit/${w(r.name)}`}>${r.name}</a>
                        ${r.managed_by&&i`
                          <span class="badge">managed by ${r.managed_by.kind}</span>
                        `}
                        ${r.description&&i`<div class="hint">${r.description}</div>`}</td>
                      <td>${r.members.length===0?i`<span class="muted">none</span>`:r.members.map(l=>i`
                            <div><code>${l.address}</code>${l.weight!==1?` \xD7${l.weight}`:""}
                              ${l.backup&&i`
                                <span class="badge">backup</span>
                              `}
                              ${l.down&&i`
                                <span class="badge bad">down</span>
                              `}</div>
                          `)}</td>
                      <td>${r.lb_method}</td>
                      <td class="num">${r.keepalive}</td>
                      <td>${(e.used[r.name]||[]).map(l=>i`
                          <a href=${`#/sites/edit/${w(l)}`}>${l}</a>
                        `)}</td>
                      <td>
                        <${_} class="danger" onClick=${()=>a(r.name)} busyText="Deleting…"
                          aria-label=${`Delete pool ${r.name}`}>Delete</${_}></td>
                    </tr>
                  `)}
              </tbody>
            </table>
          `}
      </div>
    `}
  `}function En({route:e}){let[t,n]=e.rest;return t==="new"?i`<${Ge} key="new" name=${null} />`:t==="edit"&&n?i`<${Ge} key=${n} name=${n} />`:i`<${Sn} />`}N({path:"/pools",title:"Pools",component:En});function Rt(e){return e.split(/[\s,]+/).filter(Boolean)}function ne({value:e,onValue:t,...n}){let o=e??[],[s,a]=v(o.join(`
`)),r=Rt(s).join(`
`)===o.join(`
`)?s:o.join(`
`);return i`
    <${f}
      as="textarea"
      rows="3"
      ...${n}
      value=${r}
      onValue=${l=>{a(l),t(Rt(l))}}
    />
  `}var We=["pool","upstream","redirect","static"],Tn=[301,302,303,307,308];function Ee(e){return We.find(t=>e[t]!==void 0)||"pool"}function Pn(e,t){let n={...e};for(let o of We)delete n[o];return n[t]=t==="redirect"?{url:"",code:301}:t==="static"?{root:""}:"",t==="redirect"&&(n.websocket=!1),n}function Cn(){return{name:"",path:"/",match:"prefix",pool:"",websocket:!1,strip_prefix:!1}}function Vt(e,t){let n=(e||"").toLowerCase().replace(/[^a-z0-9]+/g,"-").replace(/^-+|-+$/g,"").slice(0,56)||"root",o=n;for(let s=2;t.has(o);s++)o=`${n}-${s}`;return o}function Dn({r:e,at:t,label:n,pools:o,set:s}){let a=Ee(e);return a==="pool"?i`
      <${f} as="select" field=${`${t}.pool`} label=${`${n} pool`} hideLabel
        value=${e.pool} onValue=${r=>s({...e,pool:r})}>
            <option value="">— choose a pool —</option>
            ${o.map(r=>i`<option value=${r}>${r}</option>`)}
            ${e.pool&&!o.includes(e.pool)&&i`<option value=${e.pool}>${e.pool} (missing)</option>`}
          </${f}>
    `:a==="upstream"?i`
      <${f} field=${`${t}.upstream`} label=${`${n} upstream URL`} hideLabel
        value=${e.upstream} onValue=${r=>s({...e,upstream:r})} placeholder="http://127.0.0.1:9000" />
    `:a==="redirect"?i`
      <div class="row">
        <${f} field=${`${t}.redirect.url`} label=${`${n} redirect URL`} hideLabel grow
          value=${e.redirect.url} onValue=${r=>s({...e,redirect:{...e.redirect,url:r}})}
          placeholder="https://example.com$request_uri" />
        <${f} as="select" field=${`${t}.redirect.code`} label=${`${n} redirect code`} hideLabel
          value=${String(e.redirect.code??301)}
          onValue=${r=>s({...e,redirect:{...e.redirect,code:Number(r)}})}>
              ${Tn.map(r=>i`<option value=${String(r)}>${r}</option>`)}
            </${f}>
          </div>
    `:i`
    <${f} field=${`${t}.static.root`} label=${`${n} static root`} hideLabel
      value=${e.static.root} onValue=${r=>s({...e,static:{...e.static,root:r}})}
      placeholder="/srv/www" />
  `}function An({r:e,at:t,label:n,set:o}){let s=a=>r=>o({...e,[a]:r===""?void 0:r});return i`
    <div class="row">
      <${j} field=${`${t}.preserve_host`} label="send the client's Host"
        checked=${e.preserve_host!==!1} onValue=${a=>o({...e,preserve_host:a})} />
      ${["connect_timeout","read_timeout","send_timeout"].map(a=>i`
          <${f} field=${`${t}.${a}`} label=${a.replace("_"," ")} value=${e[a]}
            onValue=${s(a)} placeholder="e.g. 30s" aria-label=${`${n} ${a.replace("_"," ")}`} />
        `)}
    </div>
    ${e.static&&i`
      <div class="row">
        <${ne} field=${`${t}.static.index`} label="Index files" value=${e.static.index??["index.html"]}
          onValue=${a=>o({...e,static:{...e.static,index:a}})} rows="1" />
        <${j} field=${`${t}.static.autoindex`} label="directory listing"
          checked=${e.static.autoindex} onValue=${a=>o({...e,static:{...e.static,autoindex:a}})} />
      </div>
    `}
    <${f} as="textarea" field=${`${t}.extra`} label="Extra nginx directives in this location"
      value=${e.extra} onValue=${s("extra")} placeholder="proxy_buffering off;" />
    ${e.ip_rules&&i`<p class="hint">
      This route has its own IP rules (${e.ip_rules.mode} ${e.ip_rules.addresses.join(", ")}): they are kept as they are.
    </p>`}
  `}function jn({r:e,i:t,pools:n,set:o,remove:s}){let a=`routes[${t}]`,r=`Route ${t+1}`,l=W(a),[u,c]=v(!1),p=Ee(e),h=p==="pool"||p==="upstream";return i`
    <tr class=${l?"invalid":""} data-route=${t}>
      <td>
        <${f} field=${`${a}.name`} label=${`${r} name`} hideLabel value=${e.name}
          onValue=${d=>o({...e,name:d})} placeholder="(from path)" />
      </td>
      <td>
        <${f} field=${`${a}.path`} label=${`${r} path`} hideLabel value=${e.path}
          onValue=${d=>o({...e,path:d})} />
      </td>
      <td>
        <${f} as="select" field=${`${a}.match`} label=${`${r} match`} hideLabel
          value=${e.match??"prefix"} onValue=${d=>o({...e,match:d})}>
        <option value="prefix">prefix</option><option value="exact">exact</option><option value="regex">regex</option>
      </${f}></td>
      <td><label class="sr-only" for=${`tk-${t}`}>${r} target kind</label>
        <select id=${`tk-${t}`} value=${p} onChange=${d=>o(Pn(e,d.currentTarget.value))}>
          ${We.map(d=>i`<option value=${d}>${d}</option>`)}
        </select></td>
      <td class="target"><${Dn} r=${e} at=${a} label=${r} pools=${n} set=${o} /></td>
      <td>${h&&i`
        <${j} field=${`${a}.websocket`} label="WebSocket" checked=${e.websocket}
          onValue=${d=>o({...e,websocket:d})} />
      `}
        ${p!=="redirect"&&i`
          <${j} field=${`${a}.strip_prefix`} label="strip prefix"
            checked=${e.strip_prefix} onValue=${d=>o({...e,strip_prefix:d})} />
        `}</td>
      <td>
        <button type="button" class="link" aria-expanded=${u?"true":"false"}
          onClick=${()=>c(!u)} aria-label=${`${u?"Hide":"More"} options of route ${t+1}`}>${u?"Less":"More"}</button>
        <button type="button" class="link" onClick=${s} aria-label=${`Delete route ${t+1}`}>Delete</button>
      </td>
    </tr>
    ${u&&i`
      <tr class=${l?"invalid":""}>
        <td colspan="7">
          <${An} r=${e} at=${a} label=${r} set=${o} />
        </td>
      </tr>
    `}
  `}function Nt({routes:e,pools:t,onValue:n}){let o=s=>a=>n(e.map((r,l)=>l===s?a:r));return i`
    <fieldset>
      <legend>Routes</legend>
      ${e.length===0&&i`<p class="muted">No routes: the default pool (if any) serves <code>/</code>.</p>`}
      ${e.length>0&&i`
        <div class="table-wrap">
          <table class="routes">
            <thead>
              <tr>
                <th>Name</th>
                <th>Path</th>
                <th>Match</th>
                <th>Target</th>
                <th><span class="sr-only">Target value</span></th>
                <th>Options</th>
                <th><span class="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>${e.map((s,a)=>i`
                <${jn} key=${a} r=${s} i=${a} pools=${t} set=${o(a)}
                  remove=${()=>n(e.filter((r,l)=>l!==a))} />
              `)}
          </tbody>
          </table>
        </div>
      `}
      <button type="button" onClick=${()=>n([...e,Cn()])}>Add route</button>
      <p class="hint">Paths start with <code>/</code>; <code>regex</code> takes a regular expression.
        Strip prefix sends <code>/api/x</code> to the target as <code>/x</code>.</p>
    </fieldset>
  `}function Ln({l:e,i:t,set:n,remove:o}){let s=`listen[${t}]`,a=W(s),r=l=>u=>n({...e,[l]:u});return i`
    <tr class=${a?"invalid":""}>
      <td>
        <${G} field=${`${s}.port`} label=${`Listen ${t+1} port`} hideLabel
          value=${e.port} onValue=${r("port")} min="1" max="65535" />
      </td>
      <td>
        <${f} field=${`${s}.address`} label=${`Listen ${t+1} address`} hideLabel
          value=${e.address} onValue=${l=>r("address")(l||void 0)} placeholder="(all)" />
      </td>
      <td>
        <${j} field=${`${s}.ssl`} label="ssl" checked=${e.ssl} onValue=${r("ssl")} />
      </td>
      <td>
        <${j} field=${`${s}.http2`} label="http2" checked=${e.http2} onValue=${r("http2")} />
      </td>
      <td>
        <${j} field=${`${s}.default_server`} label="default server" checked=${e.default_server}
          onValue=${r("default_server")} />
      </td>
      <td><button type="button" class="link" onClick=${o}
        aria-label=${`Remove listen ${t+1}`}>Remove</button></td>
    </tr>
  `}function Ft({listen:e,onValue:t}){let n=o=>s=>t(e.map((a,r)=>r===o?s:a));return i`
    <fieldset>
      <legend>Listen</legend>
      ${e.length===0?i`<p class="muted">Default ports: the agent's HTTP port, plus HTTPS when TLS is set.</p>`:i`
          <table>
            <thead>
              <tr>
                <th>Port</th>
                <th>Address</th>
                <th>SSL</th>
                <th>HTTP/2</th>
                <th>Default</th>
                <th><span class="sr-only">Remove</span></th>
              </tr>
            </thead>
            <tbody>${e.map((o,s)=>i`
                <${Ln} key=${s} l=${o} i=${s} set=${n(s)}
                  remove=${()=>t(e.filter((a,r)=>r!==s))} />
              `)}</tbody>
          </table>
        `}
      <button type="button" onClick=${()=>t([...e,{port:80,ssl:!1,http2:!1,default_server:!1}])}>Add listen port</button>
    </fieldset>
  `}function Ot(e){let t=e.tls;return t?{mode:t.cert?"managed":"files",certificate:t.certificate??"",key:t.key??"",cert:t.cert??""}:{mode:"",certificate:"",key:"",cert:""}}function Mt(e){if(e.mode==="files")return{certificate:e.certificate,key:e.key};if(e.mode==="managed")return{cert:e.cert}}function Bt({tls:e,redirect:t,onValue:n,onRedirect:o}){let s=a=>r=>n({...e,[a]:r});return i`
    <fieldset>
      <legend>TLS</legend>
      <div class="row">
        <${f} as="select" field="tls" label="Certificate" value=${e.mode} onValue=${s("mode")}>
          <option value="">none (plain HTTP)</option>
          <option value="files">certificate and key files</option>
          <option value="managed">managed certificate (ACME)</option>
        </${f}>
        ${e.mode==="files"&&i`
          <${f} field="tls.certificate" label="Certificate file" value=${e.certificate}
            onValue=${s("certificate")} placeholder="/etc/ssl/site.pem" grow />
          <${f} field="tls.key" label="Key file" value=${e.key} onValue=${s("key")}
            placeholder="/etc/ssl/site.key" grow />
        `}
        ${e.mode==="managed"&&i`
          <${f} field="tls.cert" label="Managed certificate name" value=${e.cert}
            onValue=${s("cert")} grow />
        `}
      </div>
      ${e.mode&&i`
        <${j} field="redirect_http" label="Redirect plain HTTP to HTTPS"
          checked=${t} onValue=${o} />
      `}
    </fieldset>
  `}var Rn=[["top","top (after the IP rules)"],["ssl","ssl (after the certificate)"],["proxy","proxy (before the locations)"],["end","end (before the closing brace)"]];function Ht({ip:e,onValue:t}){return i`
    <fieldset>
      <legend>IP rules</legend>
      <div class="row">
        <${f} as="select" field="ip_rules.mode" label="Mode" value=${e.mode}
          onValue=${n=>t({...e,mode:n})}>
          <option value="">none: every client</option>
          <option value="allow">allow only these</option>
          <option value="deny">deny these</option>
        </${f}>
        ${e.mode&&i`
          <${ne} field="ip_rules.addresses" label="Addresses and CIDRs"
            value=${e.addresses} onValue=${n=>t({...e,addresses:n})} grow
            hint="One per line, e.g. 10.0.0.0/8" />
        `}
      </div>
    </fieldset>
  `}function Vn({h:e,i:t,set:n,remove:o}){let s=W(`response_headers.${e[0]}`);return i`
    <tr class=${s?"invalid":""}>
      <td>
        <${f} field=${`response_headers.${e[0]}`} label=${`Header ${t+1} name`} hideLabel
          value=${e[0]} onValue=${a=>n([a,e[1]])} placeholder="X-Frame-Options" />
      </td>
      <td>
        <${f} field=${`response_headers[${t}].value`} label=${`Header ${t+1} value`} hideLabel
          value=${e[1]} onValue=${a=>n([e[0],a])} placeholder="DENY" />
      </td>
      <td><button type="button" class="link" onClick=${o}
        aria-label=${`Remove header ${t+1}`}>Remove</button></td>
    </tr>
  `}function It({rows:e,onValue:t}){let n=o=>s=>t(e.map((a,r)=>r===o?s:a));return i`
    <fieldset>
      <legend>Response headers</legend>
      ${e.length>0&&i`
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Value</th>
              <th><span class="sr-only">Remove</span></th>
            </tr>
          </thead>
          <tbody>${e.map((o,s)=>i`
              <${Vn} key=${s} h=${o} i=${s} set=${n(s)}
                remove=${()=>t(e.filter((a,r)=>r!==s))} />
            `)}</tbody>
        </table>
      `}
      <button type="button" onClick=${()=>t([...e,["",""]])}>Add header</button>
      <p class="hint">Sent with every response (<code>add_header ... always</code>).</p>
    </fieldset>
  `}function Ut({blocks:e,onValue:t}){let n=(o,s)=>a=>t(e.map((r,l)=>l===o?{...r,[s]:a}:r));return i`
    <fieldset>
      <legend>Extra nginx blocks</legend>
      ${e.map((o,s)=>i`
          <div class="row" key=${s}>
            <${f} as="select" field=${`extra_blocks[${s}].zone`} label=${`Block ${s+1} position`}
              value=${o.zone} onValue=${n(s,"zone")}>
              ${Rn.map(([a,r])=>i`<option value=${a}>${r}</option>`)}
            </${f}>
            <${f} as="textarea" field=${`extra_blocks[${s}].content`} label=${`Block ${s+1} directives`}
              value=${o.content} onValue=${n(s,"content")} grow />
            <button type="button" class="link" onClick=${()=>t(e.filter((a,r)=>r!==s))}
              aria-label=${`Remove block ${s+1}`}>Remove</button>
          </div>
        `)}
      <button type="button" onClick=${()=>t([...e,{zone:"top",content:""}])}>Add block</button>
      <p class="hint">
        Raw nginx, checked before use: braces must balance; <code>include</code>, <code>load_module</code>, Lua, njs and Perl directives are refused.
      </p>
    </fieldset>
  `}var Nn={name:"",description:"",server_names:[],listen:[],redirect_http:!1,routes:[],extra_blocks:[],response_headers:{}};function Fn(e){let t=new Set(e.map(n=>n.name).filter(Boolean));return e.map(n=>{if(n.name)return n;let o=Vt(n.path,t);return t.add(o),{...n,name:o}})}function On({initial:e,pools:t,isNew:n}){let[o,s]=v(e),[a,r]=v(()=>Object.entries(e.response_headers??{})),[l,u]=v(()=>e.ip_rules??{mode:"",addresses:[]}),[c,p]=v(()=>Ot(e)),{busy:h,error:d,saved:$,save:m,setError:y}=Q("site","sites"),[k,E]=v(null),g=D=>O=>s(L=>({...L,[D]:O}));function V(D){let O=new Set;for(let[L]of a){if(O.has(L.toLowerCase()))throw Pt("VALIDATION_FAILED",`response_headers.${L}`,"listed twice");O.add(L.toLowerCase())}return{...we(o),routes:D,response_headers:Object.fromEntries(a),ip_rules:l.mode?{mode:l.mode,addresses:l.addresses}:void 0,tls:Mt(c),redirect_http:c.mode?o.redirect_http:!1,default_pool:o.default_pool||void 0,client_max_body_size:o.client_max_body_size||void 0}}async function z(D){D.preventDefault();let O=Fn(o.routes);s(A=>({...A,routes:O}));let L;try{L=V(O)}catch(A){return y(A)}let H=await m(o.name,L,n?0:o.version);H&&(s(H),n&&(Z(H),F(`/sites/edit/${w(H.name)}`)))}async function M(){if(confirm(`Delete site "${o.name}"?`)){E(null);try{await b("DELETE",`/api/sites/${w(o.name)}`),F("/sites")}catch(D){E(D)}}}return i`
    <${R.Provider} value=${d}>
      <form onSubmit=${z} novalidate aria-label="Site">
        <${x} error=${d} title="Not saved" />
        <${ee} rec=${$} />
        ${o.managed_by&&i`<div class="warning">
          Managed by ${o.managed_by.kind} "${o.managed_by.name}": change it there.
        </div>`}
        <div class="panel">
          <div class="row">
            <${f} field="name" label="Name" value=${o.name} onValue=${g("name")}
              disabled=${!n} placeholder="shop" />
            <${f} as="select" field="default_pool" label="Default pool (serves /)"
              value=${o.default_pool??""} onValue=${g("default_pool")}>
              <option value="">none</option>
              ${t.map(D=>i`<option value=${D}>${D}</option>`)}
              ${o.default_pool&&!t.includes(o.default_pool)&&i`<option value=${o.default_pool}>${o.default_pool} (missing)</option>`}
            </${f}>
            <${f} field="client_max_body_size" label="Max body size" value=${o.client_max_body_size}
              onValue=${g("client_max_body_size")} placeholder="1m (nginx default)" />
          </div>
          <${ne} field="server_names" label="Server names" value=${o.server_names}
            onValue=${g("server_names")} hint="One per line: shop.example.com, *.example.com, _ (any)" />
          <${f} field="description" label="Description" value=${o.description}
            onValue=${g("description")} />
        </div>
        <${Nt} routes=${o.routes} pools=${t} onValue=${g("routes")} />
        <${Ft} listen=${o.listen} onValue=${g("listen")} />
        <${Bt} tls=${c} onValue=${p} redirect=${o.redirect_http} onRedirect=${g("redirect_http")} />
        <${Ht} ip=${l} onValue=${u} />
        <${It} rows=${a} onValue=${r} />
        <${Ut} blocks=${o.extra_blocks} onValue=${g("extra_blocks")} />
        <div class="actions">
          <${_} type="submit" class="primary" busy=${h} busyText="Saving and applying…">Save</${_}>
          ${d&&i`<span class="field-error">Not saved: ${d.code} (see above)</span>`}
          ${!n&&i`<${_} class="danger" onClick=${M} busyText="Deleting…">Delete site</${_}>`}
          <a href="#/sites">Back to sites</a>
        </div>
        <${x} error=${k} title="Delete refused" />
      </form>
    </${R.Provider}>
    ${!n&&i`<${Se} kind="site" name=${o.name} />`}
  `}function ze({name:e}){let{data:t,error:n}=C(async()=>{let[o,s]=await Promise.all([e?b("GET",`/api/sites/${w(e)}`):Promise.resolve(Nn),b("GET","/api/pools")]);return{site:o,pools:s.pools.map(a=>a.name)}},[e]);return i`
    <div class="page-head">
      <h1>${e?`Site ${e}`:"New site"}</h1>
    </div>
    <${x} error=${n} />
    ${t&&i`<${On} initial=${t.site} pools=${t.pools} isNew=${!e} />`}
  `}function Mn(e){let t=Ee(e),n=t==="pool"?`pool ${e.pool}`:t==="upstream"?e.upstream:t==="redirect"?`${e.redirect.code} ${e.redirect.url}`:`files ${e.static.root}`;return`${e.match==="exact"?"= ":e.match==="regex"?"~ ":""}${e.path} \u2192 ${n}`}function Bn(){let{data:e,error:t,reload:n}=C(()=>b("GET","/api/sites"),[]),[o,s]=v(null);async function a(r){if(confirm(`Delete site "${r}"?`)){s(null);try{await b("DELETE",`/api/sites/${w(r)}`)}catch(l){s(l)}await n()}}return i`
    <div class="page-head">
      <h1>Sites</h1>
      <a class="button primary" href="#/sites/new">New site</a>
    </div>
    <${x} error=${t} />
    <${x} error=${o} title="Delete refused" />
    ${e&&i`
      <div class="panel table-wrap">
        ${e.sites.length===0?i`<p class="muted">No sites yet. A site is an nginx server block: host names, ports and routes.</p>`:i`
            <table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Server names</th>
                  <th>Listen</th>
                  <th>Default pool</th>
                  <th>Routes</th>
                  <th><span class="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody>
                ${e.sites.map(r=>i`
                    <tr data-site=${r.name}>
                      <td><a href=${`#/sites/edit/${w(r.name)}`}>${r.name}</a>
                        ${r.managed_by&&i`
                          <span class="badge">managed by ${r.managed_by.kind}</span>
                        `}
                        ${r.description&&i`<div class="hint">${r.description}</div>`}</td>
                      <td>${r.server_names.length?r.server_names.join(", "):i`<span class="muted">none</span>`}</td>
                      <td>${r.listen.length?r.listen.map(l=>`${l.port}${l.ssl?" ssl":""}`).join(", "):i`<span class="muted">default${r.tls?" + https":""}</span>`}</td>
                      <td>${r.default_pool?i`<a href=${`#/pools/edit/${w(r.default_pool)}`}>${r.default_pool}</a>`:"\u2013"}</td>
                      <td>${r.routes.map(l=>i`<div><code>${Mn(l)}</code></div>`)}</td>
                      <td>
                        <${_} class="danger" onClick=${()=>a(r.name)} busyText="Deleting…"
                          aria-label=${`Delete site ${r.name}`}>Delete</${_}></td>
                    </tr>
                  `)}
              </tbody>
            </table>
          `}
      </div>
    `}
  `}function Hn({route:e}){let[t,n]=e.rest;return t==="new"?i`<${ze} key="new" name=${null} />`:t==="edit"&&n?i`<${ze} key=${n} name=${n} />`:i`<${Bn} />`}N({path:"/sites",title:"Sites",component:Hn});function Gt(e,t,n){return e.status!=="active"?{label:"inactive",cls:"",why:""}:n?n.ok?{label:"healthy",cls:"ok",why:"service, port, route and both hops answer"}:{label:"failing",cls:"bad",why:n.issues.join("; ")}:t?t.active?{label:t.state,cls:"ok",why:"run Check to test both hops"}:{label:t.state,cls:"bad",why:`${t.manager} reports ${t.state}`}:{label:"unknown",cls:"",why:"service state not read"}}function oe(e){return e?"skipped"in e?`skipped: ${e.skipped}`:e.ok?`${e.status} in ${e.ms} ms`:e.error||`HTTP ${e.status}`:""}var In={name:"",description:"",command:"",root:"",health_path:""};function Te(e,t){let n={name:e.name,port:e.port,status:t};for(let o of["description","command","root","health_path"]){let s=typeof e[o]=="string"?e[o].trim():e[o];s&&(n[o]=s)}return n}function Un({rec:e}){let t=e.checks?.internal,n=e.checks?.external;return i`
    <section class="panel" aria-label="Activation" data-activation=${e.name}>
      <dl class="facts">
        ${e.service&&i`
          <dt>Service</dt>
          <dd>${e.service.manager} ${e.service.state}${e.service.pid?` (pid ${e.service.pid})`:""}</dd>
        `}
        ${t&&i`
          <dt>Internal hop</dt>
          <dd data-hop="internal">${t.url}: ${oe(t)}</dd>
        `}
        ${n&&i`
          <dt>External hop</dt>
          <dd data-hop="external">${n.url?`${n.url}: `:""}${oe(n)}</dd>
        `}
        ${e.url&&i`
          <dt>Address</dt>
          <dd><a href=${e.url}>${e.url}</a></dd>
        `}
        ${e.scaffolded&&i`
          <dt>Scaffolded</dt>
          <dd><code>${e.scaffolded}</code></dd>
        `}
      </dl>
      ${(e.warnings||[]).map(o=>i`<div class="warning">${o}</div>`)}
    </section>
  `}function Gn({initial:e,isNew:t}){let[n,o]=v(e),{busy:s,error:a,saved:r,save:l}=Q("project","projects"),[u,c]=v({error:null,rec:null}),p=m=>y=>o(k=>({...k,[m]:y}));async function h(m){m.preventDefault(),c({error:null,rec:null});let y=await l(n.name,Te(n,"active"),t?0:n.version);y&&(o(k=>({...k,...y})),t&&(Z(y),F(`/projects/edit/${w(y.name)}`)))}let d=m=>async()=>{let y=m==="deactivate"?`Deactivate project "${n.name}"? Its route is removed and its service stopped.`:`Forget project "${n.name}"? It is deactivated and its record deleted; its directory stays.`;if(confirm(y)){c({error:null,rec:null});try{let k=m==="deactivate"?await b("PUT",`/api/projects/${w(n.name)}`,Te(n,"inactive"),{ifMatch:n.version}):await b("DELETE",`/api/projects/${w(n.name)}`);if(m==="forget")return F("/projects");o(E=>({...E,...k})),c({error:null,rec:k})}catch(k){c({error:k,rec:null})}}},$=a?.detail?.diagnosis;return i`
    <${R.Provider} value=${a}>
      <form onSubmit=${h} novalidate aria-label="Project">
        <${x} error=${a} title="Not activated" />
        ${$&&i`<pre data-diagnosis>${$}</pre>`}
        <${ee} rec=${r} />
        ${r&&i`<${Un} rec=${r} />`}
        ${u.rec&&i`
          <div class="success" role="status">Deactivated: the route is removed and the service
            ${u.rec.service?.state??"stopped"}.</div>
        `}
        <${x} error=${u.error} title="Refused" />
        ${!t&&i`
          <p>Status: <span class=${`badge ${n.status==="active"?"ok":""}`}>${n.status}</span>${n.directory&&i`
            · directory <code>${n.directory}</code>
          `}</p>
        `}
        <div class="panel">
          <div class="row">
            <${f} field="name" label="Name" value=${n.name} onValue=${p("name")}
              disabled=${!t} placeholder="shop" hint=${t?"Lower case letters, digits, '-': served at /<name>/":void 0} />
            <${G} field="port" label="Port" value=${n.port} onValue=${p("port")}
              min="1024" max="65535" placeholder="9100" hint="127.0.0.1:<port>, 1024-65535" />
          </div>
          <div class="row">
            <${f} field="command" label="Command" value=${n.command} onValue=${p("command")} placeholder="python3 web.py" grow
              hint="Run in the project directory, without a shell; empty: python3 web.py (scaffolded)" />
            <${f} field="health_path" label="Health path" value=${n.health_path}
              onValue=${p("health_path")} placeholder="/health" />
          </div>
          <${f} field="root" label="Root directory" value=${n.root} onValue=${p("root")}
            placeholder="(the projects_root setting)"
            hint="The project lives in <root>/<name>/; empty: the projects_root setting" />
          <${f} field="description" label="Description" value=${n.description}
            onValue=${p("description")} />
        </div>
        <div class="actions">
          <${_} type="submit" class="primary" busy=${s} busyText="Activating…">${t||n.status!=="active"?"Activate":"Save and re-activate"}</${_}>
          ${a&&i`<span class="field-error">Not activated: ${a.code} (see above)</span>`}
          ${!t&&n.status==="active"&&i`
            <${_} class="danger" onClick=${d("deactivate")} busyText="Deactivating…">Deactivate</${_}>
          `}
          ${!t&&i`<${_} class="danger" onClick=${d("forget")} busyText="Forgetting…">Forget</${_}>`}
          <a href="#/projects">Back to projects</a>
        </div>
      </form>
    </${R.Provider}>
  `}function qe({name:e}){let{data:t,error:n}=C(()=>e?b("GET",`/api/projects/${w(e)}`):Promise.resolve(In),[e]);return i`
    <div class="page-head">
      <h1>${e?`Project ${e}`:"Activate a project"}</h1>
    </div>
    <${x} error=${n} />
    ${t&&i`<${Gn} initial=${t} isNew=${!e} />`}
  `}function le({ok:e,yes:t="ok",no:n="failing"}){return i`<span class=${`badge ${e?"ok":"bad"}`}>${e?t:n}</span>`}function ie({part:e,text:t}){return e?i`<td><${le} ok=${e.ok} /> <span class="hint">${t}</span></td>`:i`<td class="muted">—</td>`}function Wn({p:e}){return i`
    <tr data-check-project=${e.name} data-ok=${String(e.ok)}>
      <td>${e.name}</td>
      <td>${e.status==="active"?i`<${le} ok=${e.ok} />`:i`<span class="badge">inactive</span>`}</td>
      <${ie} part=${e.service} text=${e.service&&`${e.service.manager} ${e.service.state}${e.service.pid?` pid ${e.service.pid}`:""}`} />
      <${ie} part=${e.listening} text=${e.listening&&`${e.port}${e.listening.holders?`: ${e.listening.holders}`:""}`} />
      <${ie} part=${e.route} text=${e.route?.message} />
      <${ie} part=${e.internal} text=${e.internal&&`${e.internal.url}: ${oe(e.internal)}`} />
      <${ie} part=${e.external} text=${e.external&&`${e.external.url}: ${oe(e.external)}`} />
    </tr>
  `}function Wt({report:e}){let{nginx:t,routes:n}=e;return i`
    <section class="panel" aria-labelledby="check-head" data-check=${e.ok?"ok":"failed"}>
      <h2 id="check-head">Check <${le} ok=${e.ok} yes="all good" no="issues found" /></h2>
      <p class="hint">Checked at ${new Date(e.checked_at).toLocaleString()}.</p>
      ${e.issues.length>0&&i`
        <ul class="check-issues">${e.issues.map(o=>i`<li>${o}</li>`)}</ul>
      `}
      <dl class="facts">
        <dt>nginx</dt>
        <dd><${le} ok=${t.ok} /> ${t.installed?`${t.running?`running, pid ${t.pid}`:"not running"}; nginx -t ${t.config_ok?"passes":"fails"}`:"not installed (dry-run)"}</dd>
        <dt>Routes</dt>
        <dd><${le} ok=${n.ok} /> ${n.mode} mode${n.file?i`, read from <code>${n.file}</code>`:""}${n.pending.length>0?`; pending: ${n.pending.join(", ")}`:""}</dd>
      </dl>
      ${t.config_ok===!1&&i`<pre>${t.config_output}</pre>`}
      ${e.projects.length>0&&i`
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Project</th>
                <th>Result</th>
                <th>Service</th>
                <th>Port</th>
                <th>Route</th>
                <th>Internal hop</th>
                <th>External hop</th>
              </tr>
            </thead>
            <tbody>${e.projects.map(o=>i`<${Wn} key=${o.name} p=${o} />`)}</tbody>
          </table>
        </div>
      `}
    </section>
  `}async function zn(){let{projects:e}=await b("GET","/api/projects"),t=Object.fromEntries(await Promise.all(e.filter(n=>n.status==="active").map(n=>b("GET",`/api/projects/${w(n.name)}`).then(o=>[n.name,o.service],()=>[n.name,null]))));return{projects:e,services:t}}function qn({p:e,service:t,check:n,onDeactivate:o}){let s=Gt(e,t,n);return i`
    <tr data-project=${e.name}>
      <td><a href=${`#/projects/edit/${w(e.name)}`}>${e.name}</a>
        ${e.description&&i`<div class="hint">${e.description}</div>`}</td>
      <td><span class=${`badge ${e.status==="active"?"ok":""}`}>${e.status}</span></td>
      <td class="num">${e.port}</td>
      <td data-health=${s.label}><span class=${`badge ${s.cls}`}>${s.label}</span>
        ${s.why&&i`<div class="hint">${s.why}</div>`}</td>
      <td><code>${e.command}</code></td>
      <td>${e.status==="active"?i`
          <${_} class="danger" onClick=${()=>o(e)} busyText="Deactivating…"
            aria-label=${`Deactivate project ${e.name}`}>Deactivate</${_}>
        `:i`
          <a href=${`#/projects/edit/${w(e.name)}`}
            aria-label=${`Activate project ${e.name}`}>Activate…</a>
        `}</td>
    </tr>
  `}function Jn(){let{data:e,error:t,reload:n}=C(zn,[]),[o,s]=v(null),[a,r]=v(null);async function l(){r(null);try{s(await b("POST","/api/projects/check"))}catch(p){r(p)}}async function u(p){if(confirm(`Deactivate project "${p.name}"? Its route is removed and its service stopped.`)){r(null);try{await b("PUT",`/api/projects/${w(p.name)}`,Te(p,"inactive"),{ifMatch:p.version}),s(null)}catch(h){r(h)}await n()}}let c=Object.fromEntries((o?.projects||[]).map(p=>[p.name,p]));return i`
    <div class="page-head">
      <h1>Projects</h1>
      <div class="row">
        <${_} onClick=${l} busyText="Checking…">Check</${_}>
        <a class="button primary" href="#/projects/new">Activate a project</a>
      </div>
    </div>
    <${x} error=${t} />
    <${x} error=${a} title="Refused" />
    ${e&&i`
      <div class="panel table-wrap">
        ${e.projects.length===0?i`<p class="muted">No projects yet. A project is a backend on 127.0.0.1:&lt;port&gt;,
              run as a service and served at /&lt;name&gt;/.</p>`:i`
            <table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Status</th>
                  <th class="num">Port</th>
                  <th>Health</th>
                  <th>Command</th>
                  <th><span class="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody>${e.projects.map(p=>i`
                  <${qn} key=${p.name} p=${p} service=${e.services[p.name]}
                    check=${c[p.name]} onDeactivate=${u} />
                `)}</tbody>
            </table>
          `}
      </div>
    `}
    ${o&&i`<${Wt} report=${o} />`}
  `}function Kn({route:e}){let[t,n]=e.rest;return t==="new"?i`<${qe} key="new" name=${null} />`:t==="edit"&&n?i`<${qe} key=${n} name=${n} />`:i`<${Jn} />`}N({path:"/projects",title:"Projects",component:Kn});function Yn(e){return!e||typeof e!="object"?"":Object.entries(e).filter(([,t])=>t!==null&&t!==""&&!(Array.isArray(t)&&t.length===0)).map(([t,n])=>`${t}: ${Array.isArray(n)?n.join(", "):typeof n=="object"?JSON.stringify(n):n}`).join("; ")}function Xn({onDone:e}){let[t,n]=v(null),[o,s]=v(null),a=(l,u)=>async()=>{n(null),s(null);try{n({what:l,body:await b("POST",u)})}catch(c){s(c)}e()},r=t?.body;return i`
    <section class="panel" aria-labelledby="cfg-actions">
      <h2 id="cfg-actions">Actions</h2>
      <div class="row">
        <${_} onClick=${a("validate","/api/config/validate")} busyText="Running nginx -t…">Validate (nginx -t)</${_}>
        <${_} class="primary" onClick=${a("apply","/api/config/apply")} busyText="Applying…">Apply pending changes</${_}>
        <${_} onClick=${a("reload","/api/config/reload")} busyText="Reloading…">Reload nginx</${_}>
      </div>
      <p class="hint">Validate tests the desired state, pending changes included, without applying it.</p>
      <${x} error=${o} />
      ${t?.what==="validate"&&i`
        <div class=${r.ok?"success":"error"} role="status" data-validate=${r.ok?"ok":"failed"}>
          ${r.ok?"nginx -t passed.":"nginx -t failed."}
          ${!r.include_found&&i`<div>
            <strong>nginx.conf does not include the agent's directory:</strong> add the include line (see the README).
          </div>`}
          ${r.output&&i`<pre>${r.output}</pre>`}
        </div>
      `}
      ${t?.what==="apply"&&i`<${xe} outcome=${r} />`}
      ${t?.what==="reload"&&i`
        <div class="success" role="status">nginx reloaded onto generation ${r.generation}.
          ${r.output&&i`<pre>${r.output}</pre>`}</div>
      `}
    </section>
  `}function Zn(){let{data:e,error:t,reload:n}=C(()=>b("GET","/api/config/generations"),[]);return i`
    <div class="page-head">
      <h1>Config</h1>
    </div>
    <${Xn} onDone=${n} />
    <section class="panel table-wrap" aria-labelledby="cfg-gens">
      <h2 id="cfg-gens">Generations</h2>
      <${x} error=${t} />
      ${e&&(e.generations.length===0?i`<p class="muted">No generation yet: the first apply writes one.</p>`:i`
            <table>
              <thead>
                <tr>
                  <th class="num">#</th>
                  <th>Written</th>
                  <th class="num">Files</th>
                  <th class="num">Entities</th>
                  <th>Cause</th>
                  <th>Hash</th>
                </tr>
              </thead>
              <tbody>${e.generations.map(o=>i`
                  <tr data-generation=${o.generation}>
                    <td class="num">${o.generation}${o.current&&i`
                      <span class="badge ok">current</span>
                    `}</td>
                    <td>${o.created_at?new Date(o.created_at).toLocaleString():""}</td>
                    <td class="num">${o.files}</td>
                    <td class="num">${o.entities}</td>
                    <td class="hint">${Yn(o.cause)}</td>
                    <td class="mono">${(o.config_hash||"").slice(0,12)}</td>
                  </tr>
                `)}</tbody>
            </table>
          `)}
    </section>
  `}N({path:"/config",title:"Config",component:Zn});var Qn=new Set(["version","created_at","updated_at"]);function Pe(e,t="",n=new Map){if(Array.isArray(e)&&e.length)e.forEach((o,s)=>Pe(o,`${t}[${s}]`,n));else if(e&&typeof e=="object"&&!Array.isArray(e)&&Object.keys(e).length)for(let[o,s]of Object.entries(e))!t&&Qn.has(o)||Pe(s,t?`${t}.${o}`:o,n);else n.set(t||"(value)",JSON.stringify(e));return n}function eo(e,t){let n=e==null?new Map:Pe(e),o=t==null?new Map:Pe(t),s=[],a=0;for(let r of new Set([...n.keys(),...o.keys()]))o.has(r)?n.has(r)?n.get(r)!==o.get(r)?s.push({kind:"chg",text:`~ ${r}: ${n.get(r)} \u2192 ${o.get(r)}`}):a++:s.push({kind:"add",text:`+ ${r}: ${o.get(r)}`}):s.push({kind:"del",text:`- ${r}: ${n.get(r)}`});return{lines:s,same:a}}function zt({before:e,after:t}){let{lines:n,same:o}=eo(e,t);return n.length?i`
    <ul class="diff">
      ${n.map(s=>i`<li class=${s.kind}>${s.text}</li>`)}
    </ul>
    ${o>0&&i`<p class="hint">${o} unchanged field${o===1?"":"s"} not shown.</p>`}
  `:i`<p class="muted">No field changed.</p>`}var qt=["entity","action","from","to","page","page_size"];function Jt(e){if(!e)return;let t=new Date(e);return Number.isNaN(t.getTime())?e:t.toISOString()}function Kt(e){if(!e)return"";let t=new Date(e);if(Number.isNaN(t.getTime()))return"";let n=o=>String(o).padStart(2,"0");return`${t.getFullYear()}-${n(t.getMonth()+1)}-${n(t.getDate())}T${n(t.getHours())}:${n(t.getMinutes())}`}function to({query:e,error:t}){let[n,o]=v(()=>({entity:e.entity??"",action:e.action??"",from:Kt(e.from),to:Kt(e.to),page_size:e.page_size??"50"})),s=r=>l=>o(u=>({...u,[r]:l}));function a(r){r.preventDefault(),F("/audit",{...n,from:Jt(n.from),to:Jt(n.to),page:void 0})}return i`
    <${R.Provider} value=${t}>
      <form class="panel" onSubmit=${a} aria-label="Audit filters">
        <div class="row">
          <${f} field="entity" label="Entity" value=${n.entity} onValue=${s("entity")}
            placeholder="site or site/web" />
          <${f} field="action" label="Action" value=${n.action} onValue=${s("action")}
            placeholder="site.put, apply, ..." />
          <${f} field="from" label="From" type="datetime-local" value=${n.from}
            onValue=${s("from")} />
          <${f} field="to" label="To" type="datetime-local" value=${n.to}
            onValue=${s("to")} />
          <${f} as="select" field="page_size" label="Per page" value=${n.page_size}
            onValue=${s("page_size")}>
            ${["20","50","100","200"].map(r=>i`<option value=${r}>${r}</option>`)}
          </${f}>
          <div class="inline-actions">
            <button type="submit" class="primary">Filter</button>
            <a href="#/audit">Clear</a>
          </div>
        </div>
      </form>
    </${R.Provider}>
  `}function no({e}){return i`
    <tr data-audit=${e.id}>
      <td class="mono">${new Date(e.at).toLocaleString()}</td>
      <td>${e.actor}</td>
      <td><code>${e.action}</code></td>
      <td><a href=${te("/audit",{entity:`${e.entity.kind}/${e.entity.name}`})}>${e.entity.kind}/${e.entity.name}</a></td>
      <td>
        <${se} status=${e.outcome} />
      </td>
      <td>
        ${e.message&&i`<div>${e.message}</div>`}
        <details>
          <summary>Changes${e.generation!=null?` (generation ${e.generation})`:""}</summary>
          <${zt} before=${e.before} after=${e.after} />
          ${e.nginx_output&&i`<pre>${e.nginx_output}</pre>`}
        </details>
      </td>
    </tr>
  `}function oo({route:e}){let t=e.query,n=qt.map(l=>t[l]??"").join("|"),{data:o,error:s}=C(()=>{let l=new URLSearchParams(Object.entries(t).filter(([u,c])=>qt.includes(u)&&c));return b("GET",`/api/audit${l.size?`?${l}`:""}`)},[n]),a=Number(t.page||1),r=l=>te("/audit",{...t,page:l>1?String(l):void 0});return i`
    <div class="page-head">
      <h1>Audit</h1>
    </div>
    <${to} key=${n} query=${t} error=${s} />
    <${x} error=${s} />
    ${o&&i`
      <section class="panel table-wrap">
        ${o.entries.length===0?i`<p class="muted">No entries match.</p>`:i`
          <table>
            <thead>
              <tr>
                <th>When</th>
                <th>Actor</th>
                <th>Action</th>
                <th>Entity</th>
                <th>Outcome</th>
                <th>Detail</th>
              </tr>
            </thead>
            <tbody>${o.entries.map(l=>i`<${no} key=${l.id} e=${l} />`)}</tbody>
          </table>
        `}
        <nav class="actions" aria-label="Audit pages">
          ${a>1&&i`<a class="button" href=${r(a-1)}>← Newer</a>`}
          <span class="muted">Page ${a}</span>
          ${o.has_more&&i`<a class="button" href=${r(a+1)}>Older →</a>`}
        </nav>
      </section>
    `}
  `}N({path:"/audit",title:"Audit",component:oo});function Yt(){let e=Lt(),t=Be(e.segments),n=t?t.page.title:"Not found";U(()=>{document.title=`${n} \xB7 Switchyard`},[n]);let o=t?.page.component;return i`
    <header class="topbar">
      <a class="brand" href="#/">Switchyard</a>
      <nav aria-label="Main">
        ${X.filter(s=>s.nav).map(s=>i`
            <a href=${te(s.path)} aria-current=${t?.page===s?"page":void 0}>${s.title}</a>
          `)}
      </nav>
      <form method="post" action="/logout">
        <button type="submit">Log out</button>
      </form>
    </header>
    <main class="page" id="main">
      ${o?i`<${o} key=${t.page.path} route=${{...e,rest:t.rest}} />`:i`
          <h1>Not found</h1>
          <p>No page at <code>${e.path}</code>. <a href="#/">Dashboard</a></p>
        `}
    </main>
  `}var Xt=document.getElementById("app");Xt.textContent="";dt(i`<${Yt} />`,Xt);
